import {
  evolveExecutionEvents,
  ExecutionCommand,
  ExecutionEvent,
  ExecutionOutcomeInput,
  executionStreamId,
  ExecutionState,
} from '@runlet/domain';
import { ConcurrencyError, EventMetadata, EventStore, NewEvent } from '@runlet/event-store';
import { LogLine } from '@runlet/contracts';
import { LogStore, PendingLine } from '@runlet/logs';
import { completionOf, decided, unrecordableCompletion } from './outcome-mapping';

/** An execution's stream as an attempt holds it: its state and the version that state is at. */
export type StreamState = { state: ExecutionState | undefined; version: number };

/**
 * An execution's queueing not recorded yet (runUnrecorded): the attempt's first append records
 * it, as a new stream, and tells who waits how that went (`settle`).
 */
export type PendingQueueing = { events: NewEvent[]; settle: (err?: unknown) => void; recorded?: boolean };

/** How an attempt ended, to be recorded. */
export interface AttemptEnding {
  /** The attempt's state once started. */
  state: ExecutionState;
  outcome: ExecutionOutcomeInput;
  /** The execution's retry policy. */
  maxAttempts: number;
  /** Events decided but not appended yet, to go first (a quick run's ExecutionStarted). */
  unsent: ExecutionEvent[];
  /** Log lines to store with the outcome. */
  lines: LogLine[];
  /** The greatest seq the attempt wrote (-1: none). */
  lastSeq: number;
}

/** What an append recorded: the stream after it, and the lines it stored (as stored, and as rows for the log exports). */
export type Recorded = { stream: StreamState; stored: LogLine[]; rows: PendingLine[] };

/**
 * One attempt's writes to its execution's stream. Every append is at the version the attempt
 * holds, so a worker that lost its job (a duplicate, a takeover, a cancel meanwhile) cannot record
 * a second step: its append conflicts, and a conflict is reported (null), never thrown. Log lines
 * go into the same statement as the events, so they are stored with them or not at all.
 */
export class ExecutionStreamAppender {
  private readonly streamId: string;

  constructor(
    private readonly store: EventStore,
    private readonly logs: LogStore,
    private readonly executionId: string,
    private held: StreamState,
    private readonly metadata: EventMetadata,
    private queueing?: PendingQueueing,
  ) {
    this.streamId = executionStreamId(executionId);
  }

  /** Appends `events` at the held version; the stream after it, or null when it has moved on. */
  append(events: ExecutionEvent[]): Promise<StreamState | null> {
    return this.write(events);
  }

  /**
   * Records the attempt's outcome with its lines, in stored form. When the outcome cannot be
   * recorded — it has no stored form, or the store refuses the append (a conflict is no failure:
   * null) — the attempt is recorded as failed instead, with the reason as its error and as a
   * system log line (unrecordableCompletion). If that cannot be recorded either (the database is
   * unreachable), the error is thrown and the job's retry takes the execution over.
   */
  async recordOutcome(ending: AttemptEnding): Promise<Recorded | null> {
    const { state, outcome } = ending;
    try {
      return await this.complete(
        ending,
        completionOf(state.attempt, outcome, ending.maxAttempts),
        ending.lines,
      );
    } catch (err) {
      const instead = unrecordableCompletion(
        state.attempt,
        outcome,
        (err as Error).message,
        ending.lastSeq,
        new Date().toISOString(),
      );
      console.error(`[executor] execution ${state.id}: ${instead.message}`);
      return this.complete(ending, instead.command, [...ending.lines, instead.line]);
    }
  }

  private async complete(
    ending: AttemptEnding,
    command: ExecutionCommand,
    lines: LogLine[],
  ): Promise<Recorded | null> {
    const events = decided(ending.state, command);
    if (!events) return null;
    const rows = this.logs.rowsFor(this.executionId, lines, ending.state.scriptId);
    const stream = await this.write([...ending.unsent, ...events], rows);
    return stream && { stream, stored: rows.map((row) => row.line), rows }; // as stored (normalized)
  }

  /** The first append also records a pending queueing; one that fails settles nothing (see recordOutcome). */
  private async write(events: ExecutionEvent[], rows?: PendingLine[]): Promise<StreamState | null> {
    const queueing = this.queueing;
    if (!queueing) return this.appendAt(this.held, events, rows);
    const appended = await this.appendAt(
      { state: undefined, version: 0 },
      [...(queueing.events as ExecutionEvent[]), ...events],
      rows,
    );
    this.queueing = undefined;
    queueing.recorded = appended !== null;
    queueing.settle(appended ? undefined : new Error(`execution ${this.executionId} already exists`));
    return appended;
  }

  private async appendAt(
    from: StreamState,
    events: ExecutionEvent[],
    rows?: PendingLine[],
  ): Promise<StreamState | null> {
    try {
      const result = await this.store.append({
        streamId: this.streamId,
        expectedVersion: from.version,
        events: events as NewEvent[],
        metadata: this.metadata,
        attached: rows,
      });
      const at = result.events[0].recordedAt.toISOString();
      this.held = { state: evolveExecutionEvents(from.state, events, at), version: result.streamVersion };
      return this.held;
    } catch (err) {
      if (err instanceof ConcurrencyError) return null;
      throw err;
    }
  }
}
