import { ExecutionsQuery } from '@runlet/read-models';
import { ExecutionRequests } from '@runlet/executions';

export interface StrandedExecutionsOptions {
  /** An execution queued longer ago than this with no job is stranded. */
  staleAfterMs: number;
  /** How often to look. */
  everyMs: number;
  /** Executions looked at per sweep. */
  batch?: number;
}

/**
 * Queues again executions that were recorded as queued but whose job never reached the queue:
 * the process that queued them died between the append and the queue, or while it ran one it
 * had taken in-process before the run turned long (see ExecutionLease). Queuing is a no-op
 * while the execution's job exists (waiting, delayed, running or recently done), and the worker
 * reads the stream before it runs anything, so a finished or merely waiting execution is never
 * run twice.
 */
export class StrandedExecutions {
  private timer?: NodeJS.Timeout;
  private sweeping?: Promise<number>;

  constructor(
    private readonly executions: ExecutionsQuery,
    private readonly requests: ExecutionRequests,
    private readonly options: StrandedExecutionsOptions,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.sweepOnce(), this.options.everyMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.sweeping;
  }

  /** Queues the stranded executions found now; resolves to how many were looked at. */
  async sweep(): Promise<number> {
    const before = new Date(Date.now() - this.options.staleAfterMs);
    const ids = await this.executions.waitingSince(before, this.options.batch ?? 500);
    for (const id of ids) await this.requests.enqueue(id);
    return ids.length;
  }

  private async sweepOnce(): Promise<void> {
    if (this.sweeping) return;
    this.sweeping = this.sweep().catch((err) => {
      console.error(`[executor] looking for stranded executions failed: ${(err as Error).message}`);
      return 0;
    });
    await this.sweeping;
    this.sweeping = undefined;
  }
}
