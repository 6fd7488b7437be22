import { Job, Queue } from 'bullmq';
import { ExecutionJobData, EXECUTION_JOB_OPTIONS } from '@runlet/executions';

/** How the run of an execution handed to this process ended. */
export type LeaseRelease =
  | { kind: 'finished' } // the execution has its terminal event: nothing left to do
  | { kind: 'retry'; delayMs: number } // the next attempt is the queue's, after the backoff
  | { kind: 'handover' }; // anything else: the queue takes it now and the stream decides

/**
 * Lets an executor run an execution it was handed in-process (no queue hop) without giving up
 * the queue's guarantees. A run that ends quickly never touches the queue. Once a run turns out
 * long (`hold`), the execution's job is parked in the queue as a delayed job (the execution id
 * is its job id) and pushed back while the run lasts: if this process dies, the job comes due
 * and any executor takes the execution over, as it would a job whose lock was lost. (A process
 * that dies before `hold` leaves the execution queued without a job; StrandedExecutions queues
 * it again.) Whatever the run leaves to do — a retry, a hand-over — goes through the queue.
 */
export class ExecutionLease {
  private parked?: Promise<Job<ExecutionJobData> | undefined>;
  private renewal?: NodeJS.Timeout;

  constructor(
    private readonly queue: Queue<ExecutionJobData>,
    private readonly executionId: string,
    private readonly leaseMs: number,
  ) {}

  /** The run will take a while: park its job in the queue and keep pushing it back. */
  hold(): void {
    if (this.parked) return;
    this.parked = this.add(this.leaseMs);
    this.renewal = setInterval(() => void this.pushBack(), Math.max(100, Math.floor(this.leaseMs / 2)));
    this.renewal.unref();
  }

  /** Ends the lease. Never throws: a job left parked comes due and finds the stream's truth. */
  async release(how: LeaseRelease): Promise<void> {
    clearInterval(this.renewal);
    const job = await this.parked;
    try {
      if (!this.parked) {
        if (how.kind === 'retry') await this.add(how.delayMs);
        else if (how.kind === 'handover') await this.add(0);
      } else if (job) {
        if (how.kind === 'finished') await job.remove();
        else if (how.kind === 'retry') await job.changeDelay(how.delayMs);
        else await job.promote();
      }
    } catch (err) {
      this.complain('could not release', err);
    }
  }

  private add(delay: number): Promise<Job<ExecutionJobData> | undefined> {
    return this.queue
      .add(
        'execute',
        { executionId: this.executionId },
        { ...EXECUTION_JOB_OPTIONS, jobId: this.executionId, delay },
      )
      .catch((err) => {
        this.complain('could not queue', err);
        return undefined;
      });
  }

  private async pushBack(): Promise<void> {
    const job = await this.parked;
    await job?.changeDelay(this.leaseMs).catch(() => undefined); // a failed renewal retries on the next tick
  }

  private complain(what: string, err: unknown): void {
    console.error(`[executor] ${what} the job of execution ${this.executionId}: ${(err as Error).message}`);
  }
}
