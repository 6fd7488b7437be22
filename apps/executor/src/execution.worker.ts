import { Job, Worker } from 'bullmq';
import { randomUUID } from 'node:crypto';
import {
  ConflictError,
  ExecutionCommand,
  ExecutionOutcomeInput,
  executionStreamId,
  ExecutionState,
  isTerminal,
} from '@runlet/domain';
import { AggregateRepository, ConcurrencyError, EventMetadata, EventStore } from '@runlet/event-store';
import { LogStore } from '@runlet/logs';
import { Runtime } from '@runlet/runtime';
import { queueOptions } from '../../api/src/platform/queue-options';
import { ArtifactResolver } from './artifact-resolver';
import { Cancellations } from './cancellations';
import { ExecutionJobData, EXECUTIONS_QUEUE } from './queue/execution-queue';
import { executionAggregate } from './queue/execution-requests';
import { ExecutionResults } from './queue/execution-results';
import { toExecutionView } from './queue/execution-view';
import { scriptEventOf } from './script-event';

export interface ExecutionWorkerOptions {
  redisUrl: string;
  databaseUrl: string;
  concurrency: number;
  /** How long a job's lock lives without renewal: how soon a dead executor's job is taken over. */
  lockDurationMs: number;
}

const DEFAULT_TRY_LIMITS = { timeoutMs: 30_000, memoryMb: 256, network: 'egress' as const };

/** Thrown to make BullMQ retry a failed attempt with the job's backoff. */
class RetryAttempt extends Error {}

/**
 * Takes execution jobs: ExecutionStarted, run in the runtime, then exactly one terminal event.
 * The event stream guards every step, so a duplicate job, a retried job or a worker that lost
 * its lock cannot start a finished execution again nor record a second outcome.
 */
export class ExecutionWorker {
  private worker?: Worker<ExecutionJobData>;
  private readonly prewarmed = new Set<string>();
  private readonly owner = `executor-${process.pid}-${randomUUID().slice(0, 8)}`;

  constructor(
    private readonly options: ExecutionWorkerOptions,
    private readonly repo: AggregateRepository,
    private readonly store: EventStore,
    private readonly runtime: Runtime,
    private readonly artifacts: ArtifactResolver,
    private readonly logs: LogStore,
    private readonly results: ExecutionResults,
    private readonly cancellations: Cancellations,
  ) {}

  start(): void {
    this.worker = new Worker<ExecutionJobData>(EXECUTIONS_QUEUE, (job) => this.process(job), {
      ...queueOptions(this.options.redisUrl, this.options.databaseUrl),
      concurrency: this.options.concurrency,
      lockDuration: this.options.lockDurationMs,
      stalledInterval: Math.max(500, Math.floor(this.options.lockDurationMs / 2)),
      maxStalledCount: 5,
    });
    this.worker.on('error', (err) => console.error('[executor]', err.message));
  }

  /** Stops taking jobs and waits for the running ones (SIGTERM drains). */
  async stop(): Promise<void> {
    await this.worker?.close();
  }

  private async process(job: Job<ExecutionJobData>): Promise<void> {
    const { executionId } = job.data;
    const streamId = executionStreamId(executionId);
    const loaded = await this.repo.load<ExecutionState, any>(streamId, executionAggregate.evolve);
    if (!loaded.state || isTerminal(loaded.state.status)) return; // unknown, or already finished: never run twice
    const meta = this.metadata(loaded.state, job);
    const attempt = loaded.state.attempt + 1;
    // Listen for a cancel before the execution shows as running, so none is missed.
    const controller = this.cancellations.track(executionId);
    try {
      await this.attempt(job, streamId, loaded, attempt, meta, controller);
    } finally {
      this.cancellations.untrack(executionId);
    }
  }

  private async attempt(
    job: Job<ExecutionJobData>,
    streamId: string,
    loaded: { state: ExecutionState | undefined; version: number },
    attempt: number,
    meta: EventMetadata,
    controller: AbortController,
  ): Promise<void> {
    const executionId = job.data.executionId;
    // Each step is decided on the state this worker holds and appended at the version it read:
    // if another worker took the job over meanwhile, the append conflicts and this one stops.
    const started = await this.step(streamId, loaded, { type: 'StartExecution', attempt }, meta);
    if (!started) return;
    const outcome = await this.run(started.state!, attempt, controller);
    const [, finished] = await Promise.all([
      this.logs.flush(executionId).catch(() => undefined),
      this.step(
        streamId,
        started,
        {
          type: 'CompleteExecution',
          attempt,
          outcome,
          maxAttempts: await this.maxAttemptsOf(started.state!),
        },
        meta,
      ),
    ]);
    if (!finished) return;
    if (isTerminal(finished.state!.status)) {
      this.logs.end(executionId);
      this.results.publish(toExecutionView(finished.state!));
    } else if (finished.state!.status === 'queued') {
      throw new RetryAttempt(`attempt ${attempt} failed: ${finished.state!.error?.message ?? 'error'}`);
    }
  }

  /**
   * The first run of a version on this executor starts its warm pool; later runs reuse the
   * pool's instances, which go back to it after each run (prewarming again would replace them).
   */
  private prewarmOnce(
    state: ExecutionState,
    version: { artifactDir: string; spec: { memoryMb: number; network: 'none' | 'egress' } },
  ): void {
    const key = `${state.scriptId}@${state.version}/${version.spec.memoryMb}/${version.spec.network}`;
    if (this.prewarmed.has(key)) return;
    this.prewarmed.add(key);
    this.runtime.prewarm(version.artifactDir, state.scriptId!, state.version, {
      memoryMb: version.spec.memoryMb,
      network: version.spec.network,
    });
  }

  /** The script version's retry policy (try-outs run once). */
  private async maxAttemptsOf(state: ExecutionState): Promise<number> {
    if (state.artifactDir || !state.scriptId) return 1;
    try {
      return (await this.artifacts.resolve(state.scriptId, state.version)).spec.maxAttempts ?? 1;
    } catch {
      return 1;
    }
  }

  /** Decides `command` on `from` and appends it; null when another worker got there first. */
  private async step(
    streamId: string,
    from: { state: ExecutionState | undefined; version: number },
    command: ExecutionCommand,
    metadata: EventMetadata,
  ): Promise<{ state: ExecutionState | undefined; version: number } | null> {
    try {
      const events = executionAggregate.decide(command, from.state);
      const result = await this.store.append({ streamId, expectedVersion: from.version, events, metadata });
      const at = result.events[0].recordedAt.toISOString();
      const state = events.reduce<ExecutionState | undefined>(
        (s, e) => executionAggregate.evolve(s, { ...e, at }),
        from.state,
      );
      return { state, version: result.streamVersion };
    } catch (err) {
      if (err instanceof ConcurrencyError || err instanceof ConflictError) return null;
      throw err;
    }
  }

  private async run(
    state: ExecutionState,
    attempt: number,
    controller: AbortController,
  ): Promise<ExecutionOutcomeInput> {
    const started = Date.now();
    const seqBase = (attempt - 1) * 1_000_000; // each attempt's lines follow the previous attempt's
    const system = (message: string, level: 'info' | 'error' = 'info') =>
      this.logs.write(state.id, {
        seq: seqBase,
        ts: new Date().toISOString(),
        level,
        stream: 'system',
        message,
      });
    let version;
    try {
      version = state.artifactDir
        ? { artifactDir: state.artifactDir, spec: state.limits ?? DEFAULT_TRY_LIMITS }
        : await this.artifacts.resolve(state.scriptId!, state.version);
    } catch (err) {
      system((err as Error).message, 'error');
      return {
        status: 'failed',
        error: { message: (err as Error).message },
        durationMs: Date.now() - started,
      };
    }
    if (!state.artifactDir) this.prewarmOnce(state, version);
    try {
      const outcome = await this.runtime.run({
        executionId: state.id,
        scriptId: state.scriptId ?? 'try',
        version: state.version,
        artifactDir: version.artifactDir,
        event: scriptEventOf(state),
        secrets: {},
        timeoutMs: version.spec.timeoutMs,
        memoryMb: version.spec.memoryMb,
        network: version.spec.network,
        signal: controller.signal,
        onLog: (line) => this.logs.write(state.id, { ...line, seq: seqBase + line.seq }),
      });
      const durationMs = outcome.durationMs;
      switch (outcome.status) {
        case 'succeeded':
          return { status: 'succeeded', result: outcome.result ?? null, durationMs };
        case 'cancelled':
          return { status: 'cancelled', reason: 'cancelled by request', durationMs };
        case 'timed_out':
          return {
            status: 'timed_out',
            error: outcome.error ?? { message: `timed out after ${version.spec.timeoutMs} ms` },
            durationMs,
          };
        default:
          return { status: 'failed', error: outcome.error ?? { message: 'failed' }, durationMs };
      }
    } catch (err) {
      return {
        status: 'failed',
        error: { message: `runtime error: ${(err as Error).message}` },
        durationMs: Date.now() - started,
      };
    }
  }

  private metadata(state: ExecutionState, job: Job): EventMetadata {
    return { actor: `system:${this.owner}`, correlationId: state.id, causationId: null, jobId: job.id };
  }
}
