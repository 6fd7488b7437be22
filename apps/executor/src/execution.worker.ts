import { Job, Queue, Worker } from 'bullmq';
import { randomUUID } from 'node:crypto';
import {
  ConflictError,
  evolveExecutionEvents,
  ExecutionCommand,
  ExecutionEvent,
  ExecutionOutcomeInput,
  executionStreamId,
  ExecutionState,
  isTerminal,
} from '@runlet/domain';
import {
  AggregateRepository,
  ConcurrencyError,
  EventMetadata,
  EventStore,
  NewEvent,
} from '@runlet/event-store';
import { LogLine, toStored, toStoredText } from '@runlet/contracts';
import { LogStore, PendingLine } from '@runlet/logs';
import { Runtime } from '@runlet/runtime';
import { queueOptions } from '@runlet/platform';
import { ArtifactResolver } from './artifact-resolver';
import { LogGate } from './log-gate';
import {
  Cancellations,
  ExecutionJobData,
  EXECUTIONS_QUEUE,
  executionAggregate,
  InProcessExecutor,
  QueuedSnapshot,
  UnrecordedExecution,
  ExecutionResults,
  toExecutionView,
} from '@runlet/executions';
import { ExecutionLease } from './execution-lease';
import { scriptEventOf } from './script-event';

export interface ExecutionWorkerOptions {
  redisUrl: string;
  databaseUrl: string;
  concurrency: number;
  /** How long a job's lock lives without renewal: how soon a dead executor's job is taken over. */
  lockDurationMs: number;
}

const DEFAULT_TRY_LIMITS = { timeoutMs: 30_000, memoryMb: 256, network: 'egress' as const };

/** A run that finishes within this records ExecutionStarted together with its outcome. */
const STARTED_DEFER_MS = 50;

/** The outcome if `running` settles within `ms`, else undefined (it keeps running). */
async function finishesWithin<T>(running: Promise<T>, ms: number): Promise<{ outcome: T } | undefined> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), ms)));
  try {
    return await Promise.race([running.then((outcome) => ({ outcome })), late]);
  } finally {
    clearTimeout(timer);
  }
}

/** The outcome with what the script produced (its result, its error) in stored form; throws StoredJsonError. */
function storedOutcome(outcome: ExecutionOutcomeInput): ExecutionOutcomeInput {
  switch (outcome.status) {
    case 'succeeded':
      return { ...outcome, result: toStored(outcome.result) };
    case 'cancelled':
      return outcome;
    default:
      return { ...outcome, error: toStored(outcome.error) };
  }
}

/** Thrown to make BullMQ retry a failed attempt with the job's backoff. */
class RetryAttempt extends Error {
  constructor(
    message: string,
    readonly attempt: number,
  ) {
    super(message);
  }
}

/** The backoff before attempt `attempt + 1`, as the job's exponential backoff computes it. */
const retryDelayMs = (attempt: number) => 1000 * 2 ** (attempt - 1);

/** Which execution an attempt is for, and its job (recorded in the events' metadata) if it came through the queue. */
type AttemptOf = {
  executionId: string;
  jobId: string | undefined;
  /** Called when the run outlasts STARTED_DEFER_MS, before ExecutionStarted is appended alone. */
  onLongRun?: () => void;
  /** The execution's queueing, to be recorded by the attempt's first append (runUnrecorded). */
  unrecorded?: Unrecorded;
};

/** Queueing events waiting for an attempt's first append, and who waits to hear how it went. */
type Unrecorded = { events: NewEvent[]; settle: (err?: unknown) => void; recorded?: boolean };

type StreamState = { state: ExecutionState | undefined; version: number };

/** finished: the terminal event is recorded; done: another worker or attempt has it; conflict: the stream moved. */
type AttemptEnd = 'finished' | 'done' | 'conflict';

/** The state the job was queued with, on its first delivery only (retries and redeliveries read the stream). */
function firstDeliverySnapshot(job: Job<ExecutionJobData>): StreamState | undefined {
  if (!job.data.queued || job.attemptsMade > 0 || job.stalledCounter > 0) return undefined;
  return job.data.queued.state.status === 'queued' ? job.data.queued : undefined;
}

/**
 * Runs executions, from the queue's jobs or handed over in-process by a request that waits for
 * them (runHere, runUnrecorded): ExecutionStarted, the run in the runtime, then exactly one
 * terminal event. The event stream guards every step, so a duplicate job, a retried job or a
 * worker that lost its lock (or lease) cannot start a finished execution again nor record a
 * second outcome.
 */
export class ExecutionWorker implements InProcessExecutor {
  private worker?: Worker<ExecutionJobData>;
  /** Executions handed to this process directly (runHere), with their runs. */
  private readonly inProcess = new Map<string, Promise<void>>();
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
    private readonly queue: Queue<ExecutionJobData>,
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
    const worker = this.worker;
    this.worker = undefined; // no more runHere
    await worker?.close();
    await Promise.all(this.inProcess.values());
  }

  /**
   * Runs a just-queued execution in this process, for a caller here that waits for it: no queue
   * hop. Once the run turns long its job is parked in the queue (ExecutionLease), so if this
   * process dies any executor takes it over. Refused when stopping or when every slot is busy
   * (the caller queues it).
   */
  runHere(executionId: string, queued: QueuedSnapshot): boolean {
    if (!this.hasFreeSlot()) return false;
    this.track(executionId, this.runLeased(executionId, queued));
    return true;
  }

  /**
   * Like runHere, for an execution not recorded yet: its queueing events go into the attempt's
   * first append (with its outcome for a quick run, else with ExecutionStarted), so a quick
   * execution costs one append. Resolves once they are recorded; rejects if they could not be,
   * and then the run is aborted and nothing of it is stored.
   */
  runUnrecorded(executionId: string, execution: UnrecordedExecution): Promise<void> | undefined {
    if (!this.hasFreeSlot()) return undefined;
    let settle!: (err?: unknown) => void;
    const recorded = new Promise<void>((resolve, reject) => {
      settle = (err) => (err === undefined ? resolve() : reject(err));
    });
    const events = execution.events.map((event) => ({ ...event, metadata: execution.metadata }));
    const queued = { state: execution.state, version: events.length };
    this.track(executionId, this.runLeased(executionId, queued, { events, settle }));
    return recorded;
  }

  private hasFreeSlot(): boolean {
    return this.worker !== undefined && this.inProcess.size < this.options.concurrency;
  }

  private track(executionId: string, run: Promise<void>): void {
    this.inProcess.set(executionId, run);
    void run.finally(() => this.inProcess.delete(executionId));
  }

  private async runLeased(
    executionId: string,
    queued: QueuedSnapshot,
    unrecorded?: Unrecorded,
  ): Promise<void> {
    const lease = new ExecutionLease(this.queue, executionId, this.options.lockDurationMs);
    const of = { executionId, jobId: undefined, unrecorded, onLongRun: () => lease.hold() };
    // An execution whose queueing never got recorded leaves nothing for the queue to take over.
    const leftover = (): 'finished' | 'handover' =>
      unrecorded && !unrecorded.recorded ? 'finished' : 'handover';
    try {
      const ended = await this.attempt(of, executionStreamId(executionId), queued);
      await lease.release({ kind: ended === 'finished' ? 'finished' : leftover() });
    } catch (err) {
      if (err instanceof RetryAttempt)
        return lease.release({ kind: 'retry', delayMs: retryDelayMs(err.attempt) });
      console.error(`[executor] execution ${executionId}: ${(err as Error).message}`);
      unrecorded?.settle(err);
      await lease.release({ kind: leftover() });
    } finally {
      unrecorded?.settle(new Error(`execution ${executionId} could not be recorded`)); // no-op once settled
    }
  }

  private async process(job: Job<ExecutionJobData>): Promise<void> {
    const of = { executionId: job.data.executionId, jobId: job.id };
    const streamId = executionStreamId(of.executionId);
    const snapshot = firstDeliverySnapshot(job);
    if (snapshot && (await this.attempt(of, streamId, snapshot)) !== 'conflict') return;
    // A retry, a redelivery, or the snapshot was stale: the stream says where it stands.
    const loaded = await this.repo.load<ExecutionState, any>(streamId, executionAggregate.evolve);
    if (!loaded.state || isTerminal(loaded.state.status)) return; // unknown, or already finished: never run twice
    await this.attempt(of, streamId, loaded);
  }

  /**
   * One attempt. The sandbox starts at once; its log lines are held back until the attempt is
   * recorded as this worker's. A run that finishes within STARTED_DEFER_MS records
   * ExecutionStarted together with its outcome (one append on the hot path instead of two); a
   * longer one records ExecutionStarted then, so it shows as running, and its outcome later. If
   * an append conflicts (cancelled meanwhile, or another worker took the job over) the run is
   * aborted and its lines dropped. Every step is appended at the version this worker holds, so a
   * worker that lost its job cannot record a second outcome.
   */
  private async attempt(of: AttemptOf, streamId: string, from: StreamState): Promise<AttemptEnd> {
    const executionId = of.executionId;
    // Listen for a cancel before the execution shows as running, so none is missed.
    const controller = this.cancellations.track(executionId);
    try {
      return await this.attemptTracked(of, streamId, from, controller);
    } finally {
      this.cancellations.untrack(executionId);
    }
  }

  private async attemptTracked(
    of: AttemptOf,
    streamId: string,
    from: StreamState,
    controller: AbortController,
  ): Promise<AttemptEnd> {
    const executionId = of.executionId;
    const attempt = from.state!.attempt + 1;
    const meta = this.metadata(from.state!, of);
    const startEvents = this.decide(from.state, { type: 'StartExecution', attempt });
    if (!startEvents) return 'conflict';
    const start = {
      events: startEvents,
      state: evolveExecutionEvents(from.state, startEvents, new Date().toISOString())!,
    };
    const gate = new LogGate((line) => this.logs.write(executionId, line));
    const running = this.run(start.state, attempt, controller, gate);
    const abandon = async () => {
      gate.drop();
      controller.abort();
      await running;
    };
    const quick = await finishesWithin(running, STARTED_DEFER_MS);
    let finished: StreamState | null;
    let storedWithOutcome: LogLine[] = [];
    if (quick) {
      // The run is over and every line it wrote is held: they are stored by the same statement
      // as its events, or (on a conflict) not at all.
      const held = gate.take();
      finished = await this.recordOutcome(start.state, quick.outcome, gate, held, async (command, lines) => {
        const complete = this.decide(start.state, command);
        if (!complete) return null;
        const rows = this.logs.rowsFor(executionId, lines);
        const appended = await this.appendFirst(
          of,
          streamId,
          from,
          [...start.events, ...complete],
          meta,
          rows,
        );
        storedWithOutcome = rows.map((row) => row.line); // as stored (normalized)
        return appended;
      });
      if (!finished) return 'conflict';
    } else {
      of.onLongRun?.();
      const started = await this.appendFirst(of, streamId, from, start.events, meta).catch(async (err) => {
        await abandon();
        throw err;
      });
      if (!started) {
        await abandon();
        return 'conflict';
      }
      gate.open();
      const outcome = await running;
      [, finished] = await Promise.all([
        this.logs.flush(executionId).catch(() => undefined),
        this.recordOutcome(started.state!, outcome, gate, [], async (command, lines) => {
          const events = this.decide(started.state, command);
          const rows = this.logs.rowsFor(executionId, lines);
          return events && this.append(streamId, started, events, meta, rows);
        }),
      ]);
    }
    if (!finished) return 'done';
    if (isTerminal(finished.state!.status)) {
      this.logs.end(executionId);
      // An execution whose queueing this attempt recorded was asked for by a request in this
      // process, and its id was known nowhere else: announcing it on Redis would reach no one.
      this.results.publish(toExecutionView(finished.state!), !of.unrecorded);
      return 'finished';
    }
    this.logs.announce(executionId, storedWithOutcome);
    if (finished.state!.status === 'queued') {
      throw new RetryAttempt(
        `attempt ${attempt} failed: ${finished.state!.error?.message ?? 'error'}`,
        attempt,
      );
    }
    return 'done';
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

  /**
   * Records an attempt's outcome, in stored form (docs/json-encoding.md), with `record` (which
   * decides the command and appends it with the lines). When the outcome cannot be recorded —
   * it has no stored form, or the store refuses the append (a concurrent append is no failure:
   * `record` gives null) — the attempt is recorded as failed instead, with the reason as its
   * error and as a system log line, and for good: another attempt would end the same way. If
   * that cannot be recorded either (the database is unreachable), the error is thrown and the
   * job's retry takes the execution over.
   */
  private async recordOutcome(
    state: ExecutionState,
    outcome: ExecutionOutcomeInput,
    gate: LogGate,
    lines: LogLine[],
    record: (command: ExecutionCommand, lines: LogLine[]) => Promise<StreamState | null>,
  ): Promise<StreamState | null> {
    const attempt = state.attempt;
    let refusal: unknown;
    try {
      return await record(await this.completion(state, attempt, storedOutcome(outcome)), lines);
    } catch (err) {
      refusal = err;
    }
    const what = outcome.status === 'succeeded' ? 'result' : 'error';
    const message = `The execution's ${what} could not be recorded: ${(refusal as Error).message}`;
    console.error(`[executor] execution ${state.id}: ${message}`);
    const line: LogLine = {
      seq: Math.max(gate.lastSeq + 1, (attempt - 1) * 1_000_000),
      ts: new Date().toISOString(),
      level: 'error',
      stream: 'system',
      message,
    };
    const error = { message: toStoredText(message) };
    const failed = { status: 'failed' as const, error, durationMs: outcome.durationMs };
    return record({ type: 'CompleteExecution', attempt, outcome: failed, maxAttempts: attempt }, [
      ...lines,
      line,
    ]);
  }

  private async completion(
    state: ExecutionState,
    attempt: number,
    outcome: ExecutionOutcomeInput,
  ): Promise<ExecutionCommand> {
    return { type: 'CompleteExecution', attempt, outcome, maxAttempts: await this.maxAttemptsOf(state) };
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

  /** The events `command` yields on `state`; null when refused. */
  private decide(state: ExecutionState | undefined, command: ExecutionCommand): ExecutionEvent[] | null {
    try {
      return executionAggregate.decide(command, state);
    } catch (err) {
      if (err instanceof ConflictError) return null;
      throw err;
    }
  }

  /**
   * An attempt's first append; it also records the execution's queueing when that is still to
   * be recorded (runUnrecorded), as a new stream, and tells who waits for it how it went.
   */
  private async appendFirst(
    of: AttemptOf,
    streamId: string,
    from: StreamState,
    events: NewEvent[],
    metadata: EventMetadata,
    logLines?: PendingLine[],
  ): Promise<StreamState | null> {
    const lead = of.unrecorded;
    if (!lead) return this.append(streamId, from, events, metadata, logLines);
    // A failed append settles nothing: a refused outcome is recorded as a failure next, and
    // runLeased settles with the error if nothing can be.
    const appended = await this.append(
      streamId,
      { state: undefined, version: 0 },
      [...lead.events, ...events],
      metadata,
      logLines,
    );
    lead.recorded = appended !== null;
    lead.settle(appended ? undefined : new Error(`execution ${of.executionId} already exists`));
    return appended;
  }

  /** Appends (with log lines, if any) at the version `from` was read at; null when the stream has moved on. */
  private async append(
    streamId: string,
    from: StreamState,
    events: NewEvent[],
    metadata: EventMetadata,
    logLines?: PendingLine[],
  ): Promise<StreamState | null> {
    try {
      const result = await this.store.append({
        streamId,
        expectedVersion: from.version,
        events,
        metadata,
        attached: logLines,
      });
      const at = result.events[0].recordedAt.toISOString();
      const state = evolveExecutionEvents(from.state, events as ExecutionEvent[], at);
      return { state, version: result.streamVersion };
    } catch (err) {
      if (err instanceof ConcurrencyError) return null;
      throw err;
    }
  }

  private async run(
    state: ExecutionState,
    attempt: number,
    controller: AbortController,
    log: LogGate,
  ): Promise<ExecutionOutcomeInput> {
    const started = Date.now();
    const seqBase = (attempt - 1) * 1_000_000; // each attempt's lines follow the previous attempt's
    const system = (message: string, level: 'info' | 'error' = 'info') =>
      log.write({
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
        onLog: (line) => log.write({ ...line, seq: seqBase + line.seq }),
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

  private metadata(state: ExecutionState, of: AttemptOf): EventMetadata {
    return { actor: `system:${this.owner}`, correlationId: state.id, causationId: null, jobId: of.jobId };
  }
}
