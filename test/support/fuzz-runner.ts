import fc from 'fast-check';
import { signatureHeader } from '../../apps/api/src/webhooks/http';
import { FuzzCase } from './fuzz-request';
import { RawRequest, sendRaw } from './raw-http';

/** A class of bad answers (same operation, status and message) and its smallest example. */
export interface FailureClass {
  key: string;
  count: number;
  example: { index: number; request: RawRequest; status: number; answer: string };
}

export interface FuzzReport {
  sent: number;
  /** `<operation> <status>` → how many. */
  statuses: Map<string, number>;
  /** `<operation>` → milliseconds spent waiting for its answers, summed. */
  busyMs: Map<string, number>;
  failures: FailureClass[];
}

export interface FuzzOptions {
  port: number;
  seed: number;
  count: number;
  concurrency: number;
  timeoutMs: number;
  cases: fc.Arbitrary<FuzzCase>;
  /** Generated and sent in batches of this many (bounds what is held in memory at once). */
  batchSize?: number;
  /** Called between batches with how many were sent so far. */
  afterBatch?: (sent: number) => Promise<void> | void;
}

/**
 * Sends `count` generated requests, `concurrency` at a time. Batch `b` is `fc.sample` of the
 * cases with seed `seed + b`, so a run is the same for the same seed (the answers may vary with timing).
 * A 5xx, a closed connection without an answer, or no answer at all is a failure.
 */
export async function runFuzz(opts: FuzzOptions): Promise<FuzzReport> {
  const batchSize = opts.batchSize ?? 500;
  const statuses = new Map<string, number>();
  const busyMs = new Map<string, number>();
  const failures = new Map<string, FailureClass>();
  let sent = 0;
  for (let batch = 0; sent < opts.count; batch++) {
    const cases = fc.sample(opts.cases, {
      seed: opts.seed + batch,
      numRuns: Math.min(batchSize, opts.count - sent),
    });
    let next = 0;
    const worker = async () => {
      while (next < cases.length) {
        const index = sent + next;
        const c = cases[next++];
        const request = finalize(c);
        const at = Date.now();
        const res = await sendRaw(opts.port, request, opts.timeoutMs);
        busyMs.set(c.label, (busyMs.get(c.label) ?? 0) + Date.now() - at);
        const key = `${c.label} ${res.status}`;
        statuses.set(key, (statuses.get(key) ?? 0) + 1);
        if (res.status > 0 && res.status < 500) continue;
        const answer = 'error' in res ? res.error : res.body.subarray(0, 400).toString();
        const failureKey = `${key} ${'error' in res ? res.error.replace(/\d+/g, 'N') : messageOf(answer)}`;
        const known = failures.get(failureKey);
        const example = { index, request, status: res.status, answer };
        if (!known) failures.set(failureKey, { key: failureKey, count: 1, example });
        else {
          known.count++;
          if (size(request) < size(known.example.request)) known.example = example;
        }
      }
    };
    await Promise.all(Array.from({ length: opts.concurrency }, worker));
    sent += cases.length;
    await opts.afterBatch?.(sent);
  }
  return { sent, statuses, busyMs, failures: [...failures.values()].sort((a, b) => b.count - a.count) };
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
