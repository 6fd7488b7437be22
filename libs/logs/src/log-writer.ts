import type { LogLine } from '@runlet/contracts';
import type { PendingLine } from './log-sql';

/** Stores (and announces) one batch; must be idempotent, as a failed batch is retried whole. */
export type LogSink = (lines: PendingLine[]) => Promise<void>;

export interface LogWriterOptions {
  /** How long a line may wait for company before its batch is written. */
  flushMs?: number;
  /** Lines per INSERT. */
  maxBatch?: number;
  /** Attempts per batch before its lines are given up (and their `flush` rejects). */
  attempts?: number;
  /** Called when a batch is given up; the lines are lost. */
  onError?: (err: unknown, executionIds: string[]) => void;
}

class Batch {
  readonly lines: PendingLine[] = [];
  readonly executionIds = new Set<string>();
  readonly done: Promise<void>;
  settle!: (err?: unknown) => void;

  constructor() {
    this.done = new Promise<void>((resolve, reject) => {
      this.settle = (err) => (err === undefined ? resolve() : reject(err));
    });
    // A failure reaches `flush` callers and `onError`; it must never be an unhandled rejection.
    this.done.catch(() => undefined);
  }
}

/**
 * Group commit for log lines of many executions. One batch is in flight at a time, and batches
 * are written in the order their lines were written: so the stored lines of an execution are
 * always a prefix of what it wrote, which is what lets a live tail join at a seam without gaps.
 * While a batch is in flight the next one fills up, so the batch size grows with the load.
 */
export class LogWriter {
  private readonly flushMs: number;
  private readonly maxBatch: number;
  private readonly attempts: number;
  private open = new Batch();
  private readonly sealed: Batch[] = [];
  /** Batches holding lines of an execution that are not settled yet. */
  private readonly unsettled = new Map<string, Set<Batch>>();
  private busy = false;
  /** The open batch should go as soon as nothing is in flight (its time is up, or someone flushes). */
  private due = false;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly sink: LogSink,
    private readonly options: LogWriterOptions = {},
  ) {
    this.flushMs = options.flushMs ?? 5;
    this.maxBatch = Math.max(1, options.maxBatch ?? 1000);
    this.attempts = Math.max(1, options.attempts ?? 5);
  }

  add(executionId: string, line: LogLine, scriptId?: string | null): void {
    if (this.closed) throw new Error('LogWriter is closed');
    const batch = this.open;
    batch.lines.push(scriptId ? { executionId, scriptId, line } : { executionId, line });
    if (!batch.executionIds.has(executionId)) {
      batch.executionIds.add(executionId);
      let set = this.unsettled.get(executionId);
      if (!set) this.unsettled.set(executionId, (set = new Set()));
      set.add(batch);
    }
    if (batch.lines.length >= this.maxBatch) {
      this.seal();
      this.pump();
    } else if (!this.timer && !this.due) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.due = true;
        this.pump();
      }, this.flushMs);
      this.timer.unref();
    }
  }

  /** Resolves when every line added so far (of that execution) is stored; rejects if some were lost. */
  async flush(executionId?: string): Promise<void> {
    const batches =
      executionId === undefined
        ? [...new Set([...this.unsettled.values()].flatMap((s) => [...s]))]
        : [...(this.unsettled.get(executionId) ?? [])];
    if (batches.length === 0) return;
    if (batches.includes(this.open)) {
      this.due = true;
      this.pump();
    }
    await Promise.all(batches.map((b) => b.done));
  }

  /** Writes what is buffered; later `add`s throw. */
  async close(): Promise<void> {
    this.closed = true;
    await this.flush();
  }

  private seal(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.due = false;
    this.sealed.push(this.open);
    this.open = new Batch();
  }

  private pump(): void {
    if (this.busy) return;
    if (this.sealed.length === 0 && this.due && this.open.lines.length > 0) this.seal();
    const batch = this.sealed.shift();
    if (!batch) return;
    this.busy = true;
    void this.write(batch).finally(() => {
      this.busy = false;
      this.pump();
    });
  }

  private async write(batch: Batch): Promise<void> {
    let failed: boolean;
    let error: unknown;
    for (let attempt = 1; ; attempt++) {
      try {
        await this.sink(batch.lines);
        failed = false;
        break;
      } catch (err) {
        failed = true;
        error = err;
        if (attempt >= this.attempts) break;
        await new Promise((r) => setTimeout(r, Math.min(1000, 25 * 2 ** attempt)));
      }
    }
    for (const id of batch.executionIds) {
      const set = this.unsettled.get(id);
      set?.delete(batch);
      if (set?.size === 0) this.unsettled.delete(id);
    }
    if (failed) {
      try {
        this.options.onError?.(error, [...batch.executionIds]);
      } catch {
        // A failing error handler must not stall the writer.
      }
    }
    batch.settle(failed ? (error ?? new Error('log batch failed')) : undefined);
  }
}
