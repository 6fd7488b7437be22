import { Queue } from 'bullmq';
import { randomUUID } from 'node:crypto';
import {
  MAX_ATTEMPTS,
  decideExecution,
  evolveExecution,
  ExecutionCommand,
  ExecutionQueued,
  executionStreamId,
  ExecutionState,
} from '@runlet/domain';
import { ConcurrencyError, EventMetadata, EventStore } from '@runlet/event-store';
import { ExecutionJobData, MAX_SNAPSHOT_BYTES } from './execution-queue';

export const executionAggregate = { decide: decideExecution, evolve: evolveExecution };

export type QueueExecutionParams = Omit<ExecutionQueued['data'], 'executionId' | 'maxAttempts'> & {
  executionId?: string;
  maxAttempts?: number;
  /** Set when a trigger caused it: TriggerFired is appended with ExecutionQueued, atomically. */
  fired?: Extract<ExecutionCommand, { type: 'QueueExecution' }>['fired'];
};

/**
 * Records ExecutionQueued and puts the job on the `executions` queue with the execution id as
 * job id: queuing the same execution twice (a redelivered event, a retried request) is a no-op.
 */
export class ExecutionRequests {
  constructor(
    private readonly store: EventStore,
    private readonly queue: Queue<ExecutionJobData>,
  ) {}

  async queueExecution(
    params: QueueExecutionParams,
    metadata: EventMetadata,
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
    let state: ExecutionState | undefined;
    let position = 0;
    let version = 0;
    let duplicate = false;
    try {
      // A new stream: decide on no state and append expecting version 0, without reading first.
      const events = decideExecution(command, undefined);
      const result = await this.store.append({
        streamId: executionStreamId(executionId),
        expectedVersion: 0,
        events,
        metadata,
      });
      const at = result.events[0].recordedAt.toISOString();
      state = events.reduce<ExecutionState | undefined>(
        (s, e) => evolveExecution(s, { ...e, at }),
        undefined,
      );
      position = result.position;
      version = result.streamVersion;
    } catch (err) {
      if (!(err instanceof ConcurrencyError) && (err as Error).name !== 'ConflictError') throw err;
      duplicate = true; // already queued (redelivery, second scheduler, repeated idempotency key)
    }
    if (!duplicate) await this.enqueue(executionId, state && { state, version });
    return { executionId, state, position, duplicate };
  }

  /**
   * The job may run up to MAX_ATTEMPTS times: the worker asks for a retry (by failing the job)
   * only while the script's own policy allows one, and BullMQ applies the backoff.
   */
  enqueue(executionId: string, queued?: ExecutionJobData['queued']): Promise<unknown> {
    const data: ExecutionJobData = { executionId };
    if (queued && JSON.stringify(queued).length <= MAX_SNAPSHOT_BYTES) data.queued = queued;
    return this.queue.add('execute', data, {
      jobId: executionId,
      attempts: MAX_ATTEMPTS,
      backoff: { type: 'exponential', delay: 1000 },
      removeOnComplete: { age: 3600, count: 10_000 },
      removeOnFail: { age: 24 * 3600 },
    });
  }
}
