import type { SqlRunner } from '../log-sql';
import { deleteExpiredLines } from './delete-expired-lines';

export interface LogRetentionOptions {
  /** Lines older than this many days are deleted; must be > 0 (0 means no retention: do not start one). */
  retentionDays: number;
  /** Between sweeps (default 10 minutes). */
  everyMs?: number;
  /** Lines per DELETE (default 1000). */
  batchSize?: number;
  /** Pause between two batches of a sweep, so cleanup never hogs the database (default 25 ms). */
  pauseMs?: number;
  now?: () => Date;
  onError?: (err: unknown) => void;
  /** After each DELETE, with the number of lines it deleted. */
  onBatch?: (deleted: number) => void;
}

/**
 * Deletes expired log lines in the background: a sweep at start and every `everyMs`, each a
 * series of small batches until a batch comes back short. Several processes may sweep at
 * once (no lock is taken or needed): they delete disjoint or already-deleted rows.
 */
export class LogRetention {
  private readonly everyMs: number;
  private readonly batchSize: number;
  private readonly pauseMs: number;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;
  private stopped = false;

  constructor(
    private readonly db: SqlRunner,
    private readonly options: LogRetentionOptions,
  ) {
    if (!(options.retentionDays > 0))
      throw new RangeError(`retentionDays must be > 0, got ${options.retentionDays}`);
    this.everyMs = options.everyMs ?? 10 * 60_000;
    this.batchSize = Math.max(1, options.batchSize ?? 1000);
    this.pauseMs = options.pauseMs ?? 25;
  }

  start(): void {
    this.stopped = false;
    const tick = () => {
      this.sweep()
        .catch((err) => this.options.onError?.(err))
        .finally(() => {
          if (this.stopped) return;
          this.timer = setTimeout(tick, this.everyMs);
          this.timer.unref();
        });
    };
    tick();
  }

  /** Waits for a sweep in progress to end after its current batch. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.running?.catch(() => undefined);
  }

  /** Deletes every line older than the retention, batch by batch; the number deleted. */
  sweep(): Promise<number> {
    this.running ??= this.deleteExpired().finally(() => (this.running = undefined));
    return this.running;
  }

  private async deleteExpired(): Promise<number> {
    const now = this.options.now?.() ?? new Date();
    const before = new Date(now.getTime() - this.options.retentionDays * 86_400_000);
    let total = 0;
    for (;;) {
      const deleted = await deleteExpiredLines(this.db, before, this.batchSize);
      total += deleted;
      this.options.onBatch?.(deleted);
      if (deleted < this.batchSize || this.stopped) break;
      await new Promise((r) => setTimeout(r, this.pauseMs));
    }
    return total;
  }
}
