import { Job } from 'bullmq';
import { executionStreamId, ExecutionState, isTerminal } from '@runlet/domain';
import { AggregateRepository } from '@runlet/event-store';
import { executionAggregate } from '@runlet/domain';
import { ExecutionJobData } from '@runlet/executions';
import { ExecutionAttempts } from './execution-attempt';
import { StreamState } from './execution-stream-appender';

/** The state the job was queued with, on its first delivery only (retries and redeliveries read the stream). */
export function firstDeliverySnapshot(job: Job<ExecutionJobData>): StreamState | undefined {
  if (!job.data.queued || job.attemptsMade > 0 || job.stalledCounter > 0) return undefined;
  return job.data.queued.state.status === 'queued' ? job.data.queued : undefined;
}

/**
 * Turns a job of the `executions` queue into an attempt. A first delivery starts from the
 * snapshot it carries, without reading the stream; a retry, a redelivery or a stale snapshot
 * starts from the stream, and an execution that is unknown or finished is never run again.
 */
export class ExecutionJobProcessor {
  constructor(
    private readonly attempts: ExecutionAttempts,
    private readonly repo: AggregateRepository,
  ) {}

  async process(job: Job<ExecutionJobData>): Promise<void> {
    const of = { executionId: job.data.executionId, jobId: job.id };
    const snapshot = firstDeliverySnapshot(job);
    if (snapshot && (await this.attempts.run(of, snapshot)) !== 'conflict') return;
    // A retry, a redelivery, or the snapshot was stale: the stream says where it stands.
    const loaded = await this.repo.load<ExecutionState, any>(
      executionStreamId(of.executionId),
      executionAggregate.evolve,
    );
    if (!loaded.state || isTerminal(loaded.state.status)) return; // unknown, or already finished: never run twice
    // A first delivery that lost the race to another job of the same execution finds it running:
    // its owner is alive (a crash is covered by that job's lock or that run's lease, whose
    // redelivery comes here without a snapshot and takes it over), so it is not run beside it.
    if (snapshot && loaded.state.status === 'running') return;
    await this.attempts.run(of, loaded);
  }
}
