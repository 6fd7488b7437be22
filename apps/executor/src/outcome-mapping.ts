import {
  ConflictError,
  decideExecution,
  evolveExecutionEvents,
  ExecutionCommand,
  ExecutionEvent,
  ExecutionOutcomeInput,
  ExecutionState,
} from '@runlet/domain';
import { LogLine, toStored, toStoredText } from '@runlet/contracts';
import type { ExecutionOutcome } from '@runlet/runtime';

/** Each attempt numbers its log lines from here, so they follow the previous attempt's. */
export const attemptSeqBase = (attempt: number) => (attempt - 1) * 1_000_000;

/** What the runtime's outcome of a run means for the execution. */
export function outcomeOfRun(run: ExecutionOutcome, timeoutMs: number): ExecutionOutcomeInput {
  const durationMs = run.durationMs;
  switch (run.status) {
    case 'succeeded':
      return { status: 'succeeded', result: run.result ?? null, durationMs };
    case 'cancelled':
      return { status: 'cancelled', reason: 'cancelled by request', durationMs };
    case 'timed_out':
      return {
        status: 'timed_out',
        error: run.error ?? { message: `timed out after ${timeoutMs} ms` },
        durationMs,
      };
    default:
      return { status: 'failed', error: run.error ?? { message: 'failed' }, durationMs };
  }
}

/**
 * How an attempt ended. `final`: it failed before user code for a reason no retry can change
 * (a declared secret no provider has), so the execution fails now whatever its maxAttempts.
 */
export type AttemptOutcome = ExecutionOutcomeInput & { final?: true };

/** A failure before user code that a retry cannot mend (see AttemptOutcome). */
export function finalFailure(message: string, durationMs: number): AttemptOutcome {
  return { ...failedOutcome(message, durationMs), final: true };
}

/** An attempt that failed without a run's outcome (its version could not be found, the runtime broke). */
export function failedOutcome(message: string, durationMs: number): ExecutionOutcomeInput {
  return { status: 'failed', error: { message }, durationMs };
}

/** The events `command` yields on `state`; null when refused (the execution has moved on). */
export function decided(
  state: ExecutionState | undefined,
  command: ExecutionCommand,
): ExecutionEvent[] | null {
  try {
    return decideExecution(command, state);
  } catch (err) {
    if (err instanceof ConflictError) return null;
    throw err;
  }
}

/** The next attempt's ExecutionStarted on `state` and the state it leads to (at `at`); null when refused. */
export function startOf(
  state: ExecutionState | undefined,
  at: string,
): { events: ExecutionEvent[]; state: ExecutionState } | null {
  const events = state && decided(state, { type: 'StartExecution', attempt: state.attempt + 1 });
  return events ? { events, state: evolveExecutionEvents(state, events, at)! } : null;
}

/**
 * The command that ends `attempt` with `outcome`, what the script produced (its result, its
 * error) in stored form (docs/json-encoding.md); throws StoredJsonError when it has none.
 */
export function completionOf(
  attempt: number,
  outcome: ExecutionOutcomeInput,
  maxAttempts: number,
): ExecutionCommand {
  return { type: 'CompleteExecution', attempt, outcome: storedOutcome(outcome), maxAttempts };
}

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

/**
 * What is recorded instead of an outcome that could not be (`reason`): the attempt failed, for
 * good (another attempt would end the same way), with the reason as its error and as a system
 * log line after the attempt's last line (`lastSeq`, -1: none).
 */
export function unrecordableCompletion(
  attempt: number,
  outcome: ExecutionOutcomeInput,
  reason: string,
  lastSeq: number,
  at: string,
): { command: ExecutionCommand; line: LogLine; message: string } {
  const what = outcome.status === 'succeeded' ? 'result' : 'error';
  const message = `The execution's ${what} could not be recorded: ${reason}`;
  const line: LogLine = {
    seq: Math.max(lastSeq + 1, attemptSeqBase(attempt)),
    ts: at,
    level: 'error',
    stream: 'system',
    message,
  };
  const error = { message: toStoredText(message) };
  const failed = { status: 'failed' as const, error, durationMs: outcome.durationMs };
  return {
    command: { type: 'CompleteExecution', attempt, outcome: failed, maxAttempts: attempt },
    line,
    message,
  };
}
