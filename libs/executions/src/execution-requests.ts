import { Queue } from 'bullmq';
import { randomUUID } from 'node:crypto';
import {
  executionAggregate,
  MAX_ATTEMPTS,
  decideExecution,
  evolveExecutionEvents,
  ExecutionCommand,
  ExecutionEvent,
  ExecutionQueued,
  executionStreamId,
  ExecutionState,
  ValidationError,
} from '@runlet/domain';
import { StoredJsonError, toStored } from '@runlet/contracts';
import { AggregateRepository, ConcurrencyError, EventMetadata, EventStore } from '@runlet/event-store';
import { ExecutionJobData, MAX_SNAPSHOT_BYTES } from './execution-queue';
import type { ExecutionResults } from './execution-results';
import type { ExecutionView } from './execution-view';

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

/** An execution decided but not recorded yet: its queueing events and their metadata. */
export type UnrecordedExecution = {
  events: ExecutionEvent[];
  metadata: EventMetadata;
  state: ExecutionState;
};

/** An executor in this process that can take an execution directly (see ExecutionWorker). */
export interface InProcessExecutor {
  /** Starts an execution recorded as queued here; false when every slot is busy. */
  runHere(executionId: string, queued: QueuedSnapshot): boolean;
  /**
   * Starts an execution whose queueing is recorded with its run's first step (see
   * ExecutionWorker.runUnrecorded) once it has a slot; undefined when none was free within a
   * moment. `recorded` settles once the queueing is recorded, or rejects if it could not be (the
   * run is then aborted).
   */
  runUnrecorded(
    executionId: string,
    execution: UnrecordedExecution,
  ): Promise<{ recorded: Promise<void> } | undefined>;
}

export type QueueExecutionParams = Omit<ExecutionQueued['data'], 'executionId' | 'maxAttempts'> & {
  executionId?: string;
  maxAttempts?: number;
  /** Set when a trigger caused it: TriggerFired is appended with ExecutionQueued, atomically. */
  fired?: Extract<ExecutionCommand, { type: 'QueueExecution' }>['fired'];
};

/**
 * The QueueExecution command for `params`, its input and HTTP request in stored form: an
 * execution's state and events hold what users and scripts produced in stored form
 * (docs/json-encoding.md), decoded where it leaves (toExecutionView, scriptEventOf). Every writer
 * of an execution's queueing goes through this.
 */
export function queueExecutionCommand(params: QueueExecutionParams, executionId: string) {
  return {
    type: 'QueueExecution' as const,
    ...params,
    input: storedOrRefused('input', params.input),
    ...(params.http ? { http: storedOrRefused('request', params.http) } : {}),
    executionId,
    maxAttempts: params.maxAttempts ?? 1,
  };
}

/** `value` in stored form; a value that has none is the caller's bad input. */
function storedOrRefused<T>(what: string, value: T): T {
  try {
    return toStored(value);
  } catch (err) {
    if (err instanceof StoredJsonError) throw new ValidationError(`${what} is ${err.message}`);
    throw err;
  }
}

/**
 * Records ExecutionQueued and puts the job on the `executions` queue with the execution id as
 * job id: queuing the same execution twice (a redelivered event, a retried request) is a no-op.
 * A caller that waits for the result has it run in this process instead when this process is an
 * executor with a free slot (`queueAndWait`): that saves the queue's hop on the hot path.
 */
export class ExecutionRequests {
  private local?: InProcessExecutor;
  private readonly repo: AggregateRepository;

  constructor(
    private readonly store: EventStore,
    private readonly queue: Queue<ExecutionJobData>,
    private readonly results: ExecutionResults,
  ) {
    this.repo = new AggregateRepository(store);
  }

  /** Called by the executor role when it runs in this process. */
  attachInProcessExecutor(executor: InProcessExecutor | undefined): void {
    this.local = executor;
  }

  /**
   * Queues an execution for a caller that waits for its result, and waits for it up to `waitMs`
   * (null: still running then). `newId`: the execution id was made for this request, so nothing
   * can have queued it before. Such an execution, when this process's executor has a free slot,
   * runs here at once and its queueing is recorded together with its first step: with its
   * outcome when it finishes within the executor's quick window, else with ExecutionStarted when
   * that window ends. If this process dies before that, no trace of the request remains, and its
   * caller, still waiting, gets an error. Anything else is recorded as queued first.
   */
  async queueAndWait(
    params: QueueExecutionParams,
    metadata: EventMetadata,
    options: { newId: boolean; waitMs: number },
  ): Promise<{ executionId: string; finished: ExecutionView | null }> {
    const executionId = params.executionId ?? randomUUID();
    const listener = await this.results.listen(executionId);
    try {
      if (options.newId && this.local) {
        const events = decideExecution(queueExecutionCommand(params, executionId), undefined);
        const state = evolveExecutionEvents(undefined, events, new Date().toISOString())!;
        const admitted = await this.local.runUnrecorded(executionId, { events, metadata, state });
        if (admitted) {
          const finished = await new Promise<ExecutionView | null>((resolve, reject) => {
            listener.result(options.waitMs, state).then(resolve, reject);
            admitted.recorded.catch(reject); // not recorded: the caller gets the error, not a wait
          });
          return { executionId, finished };
        }
      }
      const { state } = await this.queueExecution({ ...params, executionId }, metadata, { runHere: true });
      return { executionId, finished: await listener.result(options.waitMs, state) };
    } finally {
      listener.close();
    }
  }

  /**
   * Records the execution as queued and has it run: on the queue, or with `runHere` (the caller
   * waits for the result) by this process's executor if it has a free slot.
   */
  async queueExecution(
    params: QueueExecutionParams,
    metadata: EventMetadata,
    options: { runHere?: boolean } = {},
  ): Promise<{
    executionId: string;
    state: ExecutionState | undefined;
    position: number;
    duplicate: boolean;
  }> {
    const executionId = params.executionId ?? randomUUID();
    // A new stream: decide on no state and append expecting version 0, without reading first.
    const events = decideExecution(queueExecutionCommand(params, executionId), undefined);
    let result;
    try {
      result = await this.store.append({
        streamId: executionStreamId(executionId),
        expectedVersion: 0,
        events,
        metadata,
      });
    } catch (err) {
      if (!(err instanceof ConcurrencyError)) throw err;
      // already queued (redelivery, second scheduler, repeated idempotency key)
      return { executionId, state: undefined, position: 0, duplicate: true };
    }
    const queued = {
      state: evolveExecutionEvents(undefined, events, result.events[0].recordedAt.toISOString())!,
      version: result.streamVersion,
    };
    if (!(options.runHere && this.local?.runHere(executionId, queued)))
      await this.enqueue(executionId, queued);
    return { executionId, state: queued.state, position: result.position, duplicate: false };
  }

  /**
   * Records an execution that never reaches the executors: queued and at once ended by `end`
   * (skipped, or failed before it could run), in one append. `duplicate` when it already exists.
   */
  async recordEnded(
    params: QueueExecutionParams & { executionId: string },
    end: ExecutionCommand[],
    metadata: EventMetadata,
  ): Promise<{ duplicate: boolean }> {
    const now = new Date().toISOString();
    let state: ExecutionState | undefined;
    const events: ExecutionEvent[] = [];
    for (const command of [queueExecutionCommand(params, params.executionId), ...end]) {
      const decided = decideExecution(command, state);
      state = evolveExecutionEvents(state, decided, now);
      events.push(...decided);
    }
    try {
      await this.store.append({
        streamId: executionStreamId(params.executionId),
        expectedVersion: 0,
        events,
        metadata,
      });
      return { duplicate: false };
    } catch (err) {
      if (err instanceof ConcurrencyError) return { duplicate: true };
      throw err;
    }
  }

  /**
   * Records a queued execution as cancelled. Rejects (ConflictError, ConcurrencyError) when it has
   * started or ended meanwhile; a running one is ended by its executor on the cancel signal.
   */
  async recordCancelled(executionId: string, reason: string, metadata: EventMetadata): Promise<void> {
    await this.repo.execute(
      executionStreamId(executionId),
      executionAggregate,
      { type: 'CancelExecution', reason },
      metadata,
    );
  }

  /** A try-out whose code did not build: recorded as an execution that failed with the build's error. */
  recordFailedBuild(
    params: QueueExecutionParams & { executionId: string },
    message: string,
    metadata: EventMetadata,
  ): Promise<{ duplicate: boolean }> {
    const error = toStored({ message });
    return this.recordEnded(
      params,
      [
        { type: 'StartExecution', attempt: 1 },
        { type: 'CompleteExecution', attempt: 1, outcome: { status: 'failed', error, durationMs: 0 } },
      ],
      metadata,
    );
  }

  enqueue(executionId: string, queued?: QueuedSnapshot): Promise<unknown> {
    const data: ExecutionJobData = { executionId };
    if (queued && JSON.stringify(queued).length <= MAX_SNAPSHOT_BYTES) data.queued = queued;
    return this.queue.add('execute', data, { ...EXECUTION_JOB_OPTIONS, jobId: executionId });
  }
}
