import { ExecutionState, isTerminal } from '@runlet/domain';
import { EventMetadata, EventStore } from '@runlet/event-store';
import { LogStore } from '@runlet/logs';
import { Cancellations, ExecutionResults, toExecutionView } from '@runlet/executions';
import { ExecutionRunner } from './execution-runner';
import {
  AttemptEnding,
  ExecutionStreamAppender,
  PendingQueueing,
  Recorded,
  StreamState,
} from './execution-stream-appender';
import { LogGate } from './log-gate';
import { AttemptOutcome, startOf } from './outcome-mapping';
import { RetryAttempt, RetryPolicy } from './retry-policy';

/** A run that finishes within this records ExecutionStarted together with its outcome. */
export const STARTED_DEFER_MS = 50;

/** Which execution an attempt is for, and its job (recorded in the events' metadata) if it came through the queue. */
export interface AttemptOf {
  executionId: string;
  jobId: string | undefined;
  /** Called when the run outlasts STARTED_DEFER_MS, before ExecutionStarted is appended alone. */
  onLongRun?: () => void;
  /** The execution's queueing, to be recorded by the attempt's first append (runUnrecorded). */
  queueing?: PendingQueueing;
}

/** finished: the terminal event is recorded; done: another worker or attempt has it; conflict: the stream moved. */
export type AttemptEnd = 'finished' | 'done' | 'conflict';

export interface AttemptParts {
  store: EventStore;
  logs: LogStore;
  runner: ExecutionRunner;
  retries: RetryPolicy;
  results: ExecutionResults;
  cancellations: Cancellations;
  /** Who records the attempts' events (their metadata's actor). */
  actor: string;
}

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

/**
 * Carries out attempts: ExecutionStarted, the run, then its outcome. The sandbox starts at once;
 * its log lines are held back until the attempt is recorded as this worker's. A run that
 * finishes within STARTED_DEFER_MS records ExecutionStarted together with its outcome (one
 * append on the hot path instead of two); a longer one records ExecutionStarted then, so it
 * shows as running, and its outcome later. If an append conflicts (cancelled meanwhile, or
 * another worker took the job over) the run is aborted and its lines dropped. A failed attempt
 * with attempts left throws RetryAttempt, for the queue to run the next one after the backoff.
 */
export class ExecutionAttempts {
  constructor(private readonly parts: AttemptParts) {}

  /** One attempt on the execution as `from` holds it. */
  async run(of: AttemptOf, from: StreamState): Promise<AttemptEnd> {
    // Listen for a cancel before the execution shows as running, so none is missed.
    const controller = this.parts.cancellations.track(of.executionId);
    try {
      return await this.attempt(of, from, controller);
    } finally {
      this.parts.cancellations.untrack(of.executionId);
    }
  }

  private async attempt(of: AttemptOf, from: StreamState, controller: AbortController): Promise<AttemptEnd> {
    const { logs } = this.parts;
    const executionId = of.executionId;
    const stream = new ExecutionStreamAppender(
      this.parts.store,
      logs,
      executionId,
      from,
      this.metadata(from.state!, of),
      of.queueing,
    );
    const start = startOf(from.state, new Date().toISOString());
    if (!start) return 'conflict';
    const gate = new LogGate((line) => logs.write(executionId, line, start.state.scriptId));
    const running = this.parts.runner.run(start.state, controller.signal, gate);
    const quick = await finishesWithin(running, STARTED_DEFER_MS);
    let recorded: Recorded | null;
    if (quick) {
      // The run is over and every line it wrote is held: they are stored by the same statement
      // as its events, or (on a conflict) not at all.
      const lines = gate.take();
      recorded = await this.record(stream, start.state, quick.outcome, start.events, lines, gate.lastSeq);
      if (!recorded) return 'conflict';
    } else {
      const abandon = async () => {
        gate.drop();
        controller.abort();
        await running;
      };
      of.onLongRun?.();
      const started = await stream.append(start.events).catch(async (err) => {
        await abandon();
        throw err;
      });
      if (!started) {
        await abandon();
        return 'conflict';
      }
      gate.open();
      const outcome = await running;
      // Stored before the outcome is recorded: a log tail that finds the execution over reads
      // the store once and ends, so its lines must all be there by then.
      await logs.flush(executionId).catch(() => undefined);
      recorded = await this.record(stream, started.state!, outcome, [], [], gate.lastSeq);
    }
    if (!recorded) return 'done';
    logs.forward(recorded.rows); // to CloudWatch, when configured; written lines went there once stored
    const finished = recorded.stream.state!;
    if (isTerminal(finished.status)) {
      // Recorded by the same append as its queueing, the execution was findable by no tail before
      // it was over (a tail finding it over ends on its own), so there is no one to tell.
      if (!(quick && of.queueing)) logs.end(executionId);
      // An execution whose queueing this attempt recorded was asked for by a request in this
      // process, and its id was known nowhere else: announcing it on Redis would reach no one.
      this.parts.results.publish(toExecutionView(finished), !of.queueing);
      return 'finished';
    }
    logs.announce(executionId, recorded.stored);
    if (finished.status === 'queued') {
      throw new RetryAttempt(
        `attempt ${start.state.attempt} failed: ${finished.error?.message ?? 'error'}`,
        start.state.attempt,
      );
    }
    return 'done';
  }

  private async record(
    stream: ExecutionStreamAppender,
    state: ExecutionState,
    outcome: AttemptOutcome,
    unsent: AttemptEnding['unsent'],
    lines: AttemptEnding['lines'],
    lastSeq: number,
  ): Promise<Recorded | null> {
    const maxAttempts = outcome.final ? state.attempt : await this.parts.retries.maxAttemptsOf(state);
    return stream.recordOutcome({ state, outcome, maxAttempts, unsent, lines, lastSeq });
  }

  private metadata(state: ExecutionState, of: AttemptOf): EventMetadata {
    return { actor: this.parts.actor, correlationId: state.id, causationId: null, jobId: of.jobId };
  }
}
