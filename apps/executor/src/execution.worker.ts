import { Queue, Worker } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { AggregateRepository, EventStore } from '@runlet/event-store';
import { LogStore } from '@runlet/logs';
import { Runtime } from '@runlet/runtime';
import { queueOptions } from '@runlet/platform';
import {
  Cancellations,
  ExecutionJobData,
  EXECUTIONS_QUEUE,
  ExecutionResults,
  InProcessExecutor,
  QueuedSnapshot,
  UnrecordedExecution,
} from '@runlet/executions';
import { ArtifactResolver } from './artifact-resolver';
import { ExecutionAttempts } from './execution-attempt';
import { ExecutionJobProcessor } from './execution-job-processor';
import { SecretResolver } from '@runlet/secrets';
import { ExecutionRunner } from './execution-runner';
import { ADMISSION_WAIT_MS, InProcessHandoff } from './in-process-handoff';
import { RetryPolicy } from './retry-policy';
import { VersionPrewarmer } from './version-prewarmer';

export interface ExecutionWorkerOptions {
  redisUrl: string;
  databaseUrl: string;
  concurrency: number;
  /** How long a job's lock lives without renewal: how soon a dead executor's job is taken over. */
  lockDurationMs: number;
}

/**
 * Runs executions, from the queue's jobs (ExecutionJobProcessor) or handed over in-process by a
 * request that waits for them (InProcessHandoff): ExecutionStarted, the run in the runtime, then
 * exactly one terminal event (ExecutionAttempts). The event stream guards every step
 * (ExecutionStreamAppender), so a duplicate job, a retried job or a worker that lost its lock
 * (or lease) cannot start a finished execution again nor record a second outcome.
 */
export class ExecutionWorker implements InProcessExecutor {
  private worker?: Worker<ExecutionJobData>;
  private readonly jobs: ExecutionJobProcessor;
  private readonly handoff: InProcessHandoff;
  /** Warms each version's sandboxes on deploy (started by the executor module) and on first run. */
  readonly prewarmer: VersionPrewarmer;

  constructor(
    private readonly options: ExecutionWorkerOptions,
    repo: AggregateRepository,
    store: EventStore,
    runtime: Runtime,
    artifacts: ArtifactResolver,
    logs: LogStore,
    results: ExecutionResults,
    cancellations: Cancellations,
    queue: Queue<ExecutionJobData>,
    secrets: SecretResolver,
  ) {
    this.prewarmer = new VersionPrewarmer(runtime);
    const attempts = new ExecutionAttempts({
      store,
      logs,
      runner: new ExecutionRunner(runtime, artifacts, this.prewarmer, secrets),
      retries: new RetryPolicy(artifacts),
      results,
      cancellations,
      actor: `system:executor-${process.pid}-${randomUUID().slice(0, 8)}`,
    });
    this.jobs = new ExecutionJobProcessor(attempts, repo);
    this.handoff = new InProcessHandoff(attempts, queue, {
      concurrency: options.concurrency,
      maxWaitMs: ADMISSION_WAIT_MS,
      maxWaiting: options.concurrency * 4,
      leaseMs: options.lockDurationMs,
    });
  }

  start(): void {
    this.worker = new Worker<ExecutionJobData>(EXECUTIONS_QUEUE, (job) => this.jobs.process(job), {
      ...queueOptions(this.options.redisUrl, this.options.databaseUrl),
      concurrency: this.options.concurrency,
      lockDuration: this.options.lockDurationMs,
      stalledInterval: Math.max(500, Math.floor(this.options.lockDurationMs / 2)),
      maxStalledCount: 5,
    });
    this.worker.on('error', (err) => console.error('[executor]', err.message));
    this.handoff.start();
  }

  /** Stops taking jobs and waits for the running ones (SIGTERM drains). */
  async stop(): Promise<void> {
    const handedOver = this.handoff.stop(); // no more runHere
    await this.worker?.close();
    this.worker = undefined;
    await handedOver;
  }

  runHere(executionId: string, queued: QueuedSnapshot): boolean {
    return this.handoff.runHere(executionId, queued);
  }

  runUnrecorded(
    executionId: string,
    execution: UnrecordedExecution,
  ): Promise<{ recorded: Promise<void> } | undefined> {
    return this.handoff.runUnrecorded(executionId, execution);
  }
}
