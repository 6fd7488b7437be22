import { Queue } from 'bullmq';
import { randomUUID } from 'node:crypto';
import {
  MAX_ATTEMPTS,
  decideExecution,
  evolveExecution,
  ExecutionCommand,
  ExecutionEvent,
  ExecutionQueued,
  executionStreamId,
  ExecutionState,
} from '@runlet/domain';
import { ConcurrencyError, EventMetadata, EventStore } from '@runlet/event-store';
import { ExecutionJobData, MAX_SNAPSHOT_BYTES } from './execution-queue';

export const executionAggregate = { decide: decideExecution, evolve: evolveExecution };

/**
 * Every execution job: it may run up to MAX_ATTEMPTS times (the worker asks for a retry, by
 * failing the job, only while the script's own policy allows one; BullMQ applies the backoff).
 */
export const EXECUTION_JOB_OPTIONS = {
  attempts: MAX_ATTEMPTS,
  backoff: { type: 'exponential', delay: 1000 },
  removeOnComplete: { age: 3600, count: 10_000 },
  removeOnFail: { age: 24 * 3600 },
};

/** The state an execution was queued with and its stream version then. */
export type QueuedSnapshot = { state: ExecutionState; version: number };

/** An executor in this process that can take an execution directly (see ExecutionWorker.runHere). */
export interface InProcessExecutor {
  /**
   * Starts the execution here and returns true, or false when it has no free slot. With
   * `recorded` (the queueing append, still in flight) the run starts at once but records
   * nothing before it has succeeded.
   */
  runHere(executionId: string, queued: QueuedSnapshot, recorded?: Promise<unknown>): boolean;
}

/** The state the events lead to from nothing, all stamped `at`. */
function evolveAll(events: ExecutionEvent[], at: string): ExecutionState | undefined {
  return events.reduce<ExecutionState | undefined>((s, e) => evolveExecution(s, { ...e, at }), undefined);
}

export type QueueExecutionParams = Omit<ExecutionQueued['data'], 'executionId' | 'maxAttempts'> & {
  executionId?: string;
  maxAttempts?: number;
  /** Set when a trigger caused it: TriggerFired is appended with ExecutionQueued, atomically. */
  fired?: Extract<ExecutionCommand, { type: 'QueueExecution' }>['fired'];
};

/**
 * Records ExecutionQueued and puts the job on the `executions` queue with the execution id as
 * job id: queuing the same execution twice (a redelivered event, a retried request) is a no-op.
 * A caller that waits for the result may ask for it to run in this process instead, when this
 * process is an executor with a free slot: that saves the queue's hop on the hot path.
 */
export class ExecutionRequests {
  private local?: InProcessExecutor;

  constructor(
    private readonly store: EventStore,
    private readonly queue: Queue<ExecutionJobData>,
  ) {}

  /** Called by the executor role when it runs in this process. */
  attachInProcessExecutor(executor: InProcessExecutor | undefined): void {
    this.local = executor;
  }

  /**
   * Records the execution as queued and has it run. `runHere`: the caller waits for the result,
   * so this process's executor takes it if it has a free slot. `newId`: the execution id was
   * made for this request, so the append cannot conflict and the run may start alongside it
   * (its outcome is recorded only after the queueing is; if that fails the run is aborted).
   */
  async queueExecution(
    params: QueueExecutionParams,
    metadata: EventMetadata,
    options: { runHere?: boolean; newId?: boolean } = {},
  ): Promise<{
    executionId: string;
    state: ExecutionState | undefined;
    position: number;
    duplicate: boolean;
  }> {
    const executionId = params.executionId ?? randomUUID();
    const command = {
      type: 'QueueExecution' as const,
      ...params,
      executionId,
      maxAttempts: params.maxAttempts ?? 1,
    };
    // A new stream: decide on no state and append expecting version 0, without reading first.
    const events = decideExecution(command, undefined);
    const appended = this.store.append({
      streamId: executionStreamId(executionId),
      expectedVersion: 0,
      events,
      metadata,
    });
    if (options.runHere && options.newId && this.local) {
      const queued = { state: evolveAll(events, new Date().toISOString())!, version: events.length };
      if (this.local.runHere(executionId, queued, appended)) {
        const { position } = await appended;
        return { executionId, state: queued.state, position, duplicate: false };
      }
    }
    let result;
    try {
      result = await appended;
    } catch (err) {
      if (!(err instanceof ConcurrencyError)) throw err;
      // already queued (redelivery, second scheduler, repeated idempotency key)
      return { executionId, state: undefined, position: 0, duplicate: true };
    }
    const queued = {
      state: evolveAll(events, result.events[0].recordedAt.toISOString())!,
      version: result.streamVersion,
    };
    if (!(options.runHere && this.local?.runHere(executionId, queued)))
      await this.enqueue(executionId, queued);
    return { executionId, state: queued.state, position: result.position, duplicate: false };
  }

  enqueue(executionId: string, queued?: QueuedSnapshot): Promise<unknown> {
    const data: ExecutionJobData = { executionId };
    if (queued && JSON.stringify(queued).length <= MAX_SNAPSHOT_BYTES) data.queued = queued;
    return this.queue.add('execute', data, { ...EXECUTION_JOB_OPTIONS, jobId: executionId });
  }
}
