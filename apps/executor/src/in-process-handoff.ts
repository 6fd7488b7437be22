import { Queue } from 'bullmq';
import { ExecutionJobData, InProcessExecutor, QueuedSnapshot, UnrecordedExecution } from '@runlet/executions';
import { ExecutionAttempts } from './execution-attempt';
import { ExecutionLease } from './execution-lease';
import { PendingQueueing } from './execution-stream-appender';
import { RetryAttempt, retryDelayMs } from './retry-policy';

/**
 * How long a new execution a request here waits for (sync webhooks, try-outs, `wait: true`) may
 * wait for a busy executor's next free slot before it is recorded as queued and sent through the
 * queue. Under overload the queue's path costs several times a run here (an append of its own,
 * BullMQ's round trips, the result over Redis), so sending the overflow there made throughput fall
 * as clients were added (measured: 64 clients on 16 slots, 439/s against 698-754/s with this wait).
 * The wait holds nothing anyone could see or lose: the execution's id is not known outside this
 * process until its run is recorded. Beyond a second it is recorded as queued, so a real backlog
 * shows as one.
 */
export const ADMISSION_WAIT_MS = 1000;

export interface InProcessHandoffOptions {
  /** Executions run at once this way (beside the queue's jobs). */
  concurrency: number;
  /**
   * With every slot busy, an execution not recorded yet waits up to this long for one, at most
   * `maxWaiting` of them; refused beyond (the caller records it as queued and queues it). A short
   * wait here is far cheaper than the queue's path under a burst, but until it ends the execution
   * is recorded nowhere, so the wait is kept short (ADMISSION_WAIT_MS).
   */
  maxWaitMs: number;
  maxWaiting: number;
  /** How long a parked job waits before any executor may take it over (ExecutionLease). */
  leaseMs: number;
}

/**
 * Executions handed to this process directly by a request here that waits for them: no queue
 * hop. Once a run turns long its job is parked in the queue (ExecutionLease), so if this process
 * dies any executor takes it over; whatever the run leaves to do (a retry, a hand-over) goes
 * through the queue. Refused while closed or when every slot is busy (the caller queues it); an
 * execution not recorded yet may first wait a moment for a slot (`maxWaitMs`).
 */
export class InProcessHandoff implements InProcessExecutor {
  private readonly running = new Map<string, Promise<void>>();
  /** Slots taken: runs, and waiters a freed slot was handed to. */
  private slots = 0;
  private readonly waiting: Array<(granted: boolean) => void> = [];
  private open = false;

  constructor(
    private readonly attempts: ExecutionAttempts,
    private readonly queue: Queue<ExecutionJobData>,
    private readonly options: InProcessHandoffOptions,
  ) {}

  /** Takes executions from now on. */
  start(): void {
    this.open = true;
  }

  /** Takes no more (those waiting for a slot are refused); resolves when the runs it took are over. */
  stop(): Promise<void> {
    this.open = false;
    for (const waiter of this.waiting.splice(0)) waiter(false);
    return Promise.all(this.running.values()).then(() => undefined);
  }

  /** Runs a just-queued execution here; false when refused. */
  runHere(executionId: string, queued: QueuedSnapshot): boolean {
    if (!this.takeSlot()) return false;
    this.track(executionId, this.runLeased(executionId, queued));
    return true;
  }

  /**
   * Like runHere, for an execution not recorded yet: its queueing events go into the attempt's
   * first append (with its outcome for a quick run, else with ExecutionStarted), so a quick
   * execution costs one append. Resolves once they are recorded; rejects if they could not be,
   * and then the run is aborted and nothing of it is stored. Undefined when refused (no slot
   * within `maxWaitMs`).
   */
  async runUnrecorded(
    executionId: string,
    execution: UnrecordedExecution,
  ): Promise<{ recorded: Promise<void> } | undefined> {
    if (!(await this.slotWithin())) return undefined;
    if (!this.open) {
      this.freeSlot(); // stopped between the grant and now: stop() is not waiting for this one
      return undefined;
    }
    let settle!: (err?: unknown) => void;
    const recorded = new Promise<void>((resolve, reject) => {
      settle = (err) => (err === undefined ? resolve() : reject(err));
    });
    const events = execution.events.map((event) => ({ ...event, metadata: execution.metadata }));
    const queued = { state: execution.state, version: events.length };
    this.track(executionId, this.runLeased(executionId, queued, { events, settle }));
    return { recorded };
  }

  private takeSlot(): boolean {
    if (!this.open || this.slots >= this.options.concurrency) return false;
    this.slots++;
    return true;
  }

  /** A slot now, or the next one freed within `maxWaitMs`; false when refused. */
  private slotWithin(): Promise<boolean> {
    if (this.takeSlot()) return Promise.resolve(true);
    if (!this.open || this.waiting.length >= this.options.maxWaiting) return Promise.resolve(false);
    return new Promise((resolve) => {
      const waiter = (granted: boolean) => {
        clearTimeout(timer);
        resolve(granted);
      };
      const timer = setTimeout(() => {
        this.waiting.splice(this.waiting.indexOf(waiter), 1);
        resolve(false);
      }, this.options.maxWaitMs);
      this.waiting.push(waiter);
    });
  }

  /** A run is over: its slot goes straight to the first waiter (so none is over-admitted), or is freed. */
  private freeSlot(): void {
    const next = this.waiting.shift();
    if (next) next(true);
    else this.slots--;
  }

  private track(executionId: string, run: Promise<void>): void {
    this.running.set(executionId, run);
    void run.finally(() => {
      this.running.delete(executionId);
      this.freeSlot();
    });
  }

  private async runLeased(
    executionId: string,
    queued: QueuedSnapshot,
    queueing?: PendingQueueing,
  ): Promise<void> {
    const lease = new ExecutionLease(this.queue, executionId, this.options.leaseMs);
    const of = { executionId, jobId: undefined, queueing, onLongRun: () => lease.hold() };
    // An execution whose queueing never got recorded leaves nothing for the queue to take over.
    const leftover = (): 'finished' | 'handover' =>
      queueing && !queueing.recorded ? 'finished' : 'handover';
    try {
      const ended = await this.attempts.run(of, queued);
      await lease.release({ kind: ended === 'finished' ? 'finished' : leftover() });
    } catch (err) {
      if (err instanceof RetryAttempt)
        return lease.release({ kind: 'retry', delayMs: retryDelayMs(err.attempt) });
      console.error(`[executor] execution ${executionId}: ${(err as Error).message}`);
      queueing?.settle(err);
      await lease.release({ kind: leftover() });
    } finally {
      queueing?.settle(new Error(`execution ${executionId} could not be recorded`)); // no-op once settled
    }
  }
}
