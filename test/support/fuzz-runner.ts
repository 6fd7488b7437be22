import fc from 'fast-check';
import { signatureHeader } from '../../apps/api/src/webhooks/http';
import { FuzzCase } from './fuzz-request';
import { RawRequest, sendRaw } from './raw-http';

/** A class of bad answers (same operation, status and message) and its smallest example. */
export interface FailureClass {
  key: string;
  count: number;
  /** The request as `describeRequest` shows it (held as text: the heap is measured with these kept). */
  example: { index: number; request: string; size: number; status: number; answer: string };
}

export interface FuzzReport {
  sent: number;
  /** `<operation> <status>` → how many. */
  statuses: Map<string, number>;
  /** `<operation>` → milliseconds spent waiting for its answers, summed. */
  busyMs: Map<string, number>;
  /** Most frequent first. */
  failures: FailureClass[];
}

export interface FuzzOptions {
  port: number;
  seed: number;
  concurrency: number;
  timeoutMs: number;
  cases: fc.Arbitrary<FuzzCase>;
  /** Generated in batches of this many (bounds what is held in memory at once). */
  batchSize?: number;
}

/**
 * Sends generated requests, `concurrency` at a time. Request `i` is number `i % batchSize` of
 * `fc.sample` of the cases with seed `seed + floor(i / batchSize)`, so a run sends the same requests
 * for the same seed (the answers may vary with timing). A 5xx, a connection closed without an
 * answer, or no answer at all is a failure.
 */
export class Fuzzer {
  private readonly batchSize: number;
  private batch: FuzzCase[] = [];
  private batchStart = 0;
  private sent = 0;
  private readonly statuses = new Map<string, number>();
  private readonly busyMs = new Map<string, number>();
  private readonly failures = new Map<string, FailureClass>();

  constructor(private readonly opts: FuzzOptions) {
    this.batchSize = opts.batchSize ?? 250;
  }

  /** Sends requests until `total` have been sent since the start; resolves once all are answered. */
  async runUntil(total: number): Promise<void> {
    const worker = async () => {
      while (this.sent < total) {
        const index = this.sent++;
        await this.send(index, this.caseAt(index));
      }
    };
    await Promise.all(Array.from({ length: this.opts.concurrency }, worker));
    this.batch = []; // generated again from its seed if the next run goes on in it
  }

  report(): FuzzReport {
    return {
      sent: this.sent,
      statuses: this.statuses,
      busyMs: this.busyMs,
      failures: [...this.failures.values()].sort((a, b) => b.count - a.count),
    };
  }

  private caseAt(index: number): FuzzCase {
    const batch = Math.floor(index / this.batchSize);
    if (batch * this.batchSize !== this.batchStart || this.batch.length === 0) {
      this.batchStart = batch * this.batchSize;
      this.batch = fc.sample(this.opts.cases, { seed: this.opts.seed + batch, numRuns: this.batchSize });
    }
    return this.batch[index - this.batchStart];
  }

  private async send(index: number, c: FuzzCase): Promise<void> {
    const request = finalize(c);
    const at = Date.now();
    const res = await sendRaw(this.opts.port, request, this.opts.timeoutMs);
    this.busyMs.set(c.label, (this.busyMs.get(c.label) ?? 0) + Date.now() - at);
    const key = `${c.label} ${res.status}`;
    this.statuses.set(key, (this.statuses.get(key) ?? 0) + 1);
    if (res.status > 0 && res.status < 500) return;
    const answer = 'error' in res ? res.error : res.body.subarray(0, 400).toString();
    const failureKey = `${key} ${'error' in res ? res.error.replace(/\d+/g, 'N') : messageOf(answer)}`;
    const known = this.failures.get(failureKey);
    if (known) known.count++;
    if (!known || size(request) < known.example.size) {
      const example = {
        index,
        request: describeRequest(request),
        size: size(request),
        status: res.status,
        answer,
      };
      if (known) known.example = example;
      else this.failures.set(failureKey, { key: failureKey, count: 1, example });
    }
  }
}

/** Adds what depends on the moment of sending: a valid signature for the final body. */
function finalize(c: FuzzCase): RawRequest {
  if (!c.signWith) return c.request;
  const t = Math.floor(Date.now() / 1000);
  const signature = signatureHeader(c.signWith, t, c.request.body ?? Buffer.alloc(0));
  return { ...c.request, headers: [...c.request.headers, ['x-runlet-signature', signature]] };
}

function messageOf(answer: string): string {
  try {
    return String(JSON.parse(answer).message).slice(0, 80);
  } catch {
    return answer.slice(0, 80);
  }
}

function size(r: RawRequest): number {
  return (
    r.target.length + (r.body?.length ?? 0) + r.headers.reduce((n, [k, v]) => n + k.length + v.length, 0)
  );
}

/** A request as a developer can read and replay it (long parts cut). */
export function describeRequest(r: RawRequest, max = 300): string {
  const show = (b: Buffer | string) => {
    const buf = Buffer.isBuffer(b) ? b : Buffer.from(b, 'latin1');
    const text = JSON.stringify(buf.subarray(0, max).toString('latin1'));
    return buf.length > max ? `${text}…(${buf.length} bytes)` : text;
  };
  const lines = [`${r.method} ${show(r.target)}${r.chunked ? ' (chunked)' : ''}`];
  for (const [name, value] of r.headers) lines.push(`  ${name}: ${show(value)}`);
  if (r.body?.length) lines.push(`  body: ${show(r.body)}`);
  return lines.join('\n');
}
