import type { Aggregate } from '../common/aggregate';
import { ConflictError, NotFoundError, ValidationError } from '../common/errors';
import { MAX_ATTEMPTS } from '../script/script-limits';
import { secretReferences } from '../secret/secret-reference';
import {
  boolean,
  durationMs,
  id,
  integer,
  isoDate,
  isPlainObject,
  oneOf,
  optionalText,
  text,
} from '../common/validation';
import {
  ExecutionCommand,
  ExecutionError,
  ExecutionOutcomeInput,
  ExecutionQueued,
  ExecutionTriggerFired,
  ExecutionEvent,
  ExecutionState,
  ExecutionStatus,
  TERMINAL_STATUSES,
} from './execution.types';

export const executionStreamId = (executionId: string) => `execution-${executionId}`;
export const isTerminal = (status: ExecutionStatus) => TERMINAL_STATUSES.includes(status);

/**
 * One execution's life: queued → started (per attempt) → exactly one terminal event.
 * A failed attempt with attempts left goes back to queued; a finished execution accepts nothing.
 */
export function decideExecution(
  command: ExecutionCommand,
  state: ExecutionState | undefined,
): ExecutionEvent[] {
  if (command.type === 'QueueExecution') {
    if (state) throw new ConflictError(`execution ${command.executionId} already exists`);
    const { type: _t, fired: givenFired, ...given } = command;
    const data = validQueued(given);
    const fired = givenFired === undefined ? undefined : validFired(givenFired);
    const queued: ExecutionEvent = { type: 'ExecutionQueued', data };
    if (!fired) return [queued];
    // The firing and the execution it causes are one atomic append on the execution's stream:
    // a deterministic execution id per tick (or idempotency key) makes a second firing a conflict.
    return [
      { type: 'TriggerFired', data: { executionId: data.executionId, scriptId: data.scriptId, ...fired } },
      queued,
    ];
  }
  if (!state) throw new NotFoundError('execution not found');
  const base = { executionId: state.id, scriptId: state.scriptId };
  if (isTerminal(state.status))
    throw new ConflictError(`execution ${state.id} has already ${state.status.replace('_', ' ')}`);
  switch (command.type) {
    case 'StartExecution':
      integer('attempt', command.attempt, 1);
      if (command.attempt <= state.attempt) {
        throw new ConflictError(`attempt ${command.attempt} of execution ${state.id} has already started`);
      }
      return [{ type: 'ExecutionStarted', data: { ...base, attempt: command.attempt } }];
    case 'CompleteExecution': {
      if (state.status !== 'running' || command.attempt !== state.attempt) {
        throw new ConflictError(`attempt ${command.attempt} of execution ${state.id} is not the running one`);
      }
      const o = validOutcome(command.outcome);
      const attempt = command.attempt;
      if (command.maxAttempts !== undefined) integer('maxAttempts', command.maxAttempts, 1);
      switch (o.status) {
        case 'succeeded':
          return [
            {
              type: 'ExecutionSucceeded',
              data: { ...base, attempt, result: o.result, durationMs: o.durationMs },
            },
          ];
        case 'failed':
          return [
            {
              type: 'ExecutionFailed',
              data: {
                ...base,
                attempt,
                error: o.error,
                durationMs: o.durationMs,
                willRetry: attempt < (command.maxAttempts ?? state.maxAttempts),
              },
            },
          ];
        case 'timed_out':
          return [
            {
              type: 'ExecutionTimedOut',
              data: { ...base, attempt, error: o.error, durationMs: o.durationMs },
            },
          ];
        case 'cancelled':
          return [
            {
              type: 'ExecutionCancelled',
              data: { ...base, attempt, reason: o.reason, durationMs: o.durationMs },
            },
          ];
      }
      return [];
    }
    case 'CancelExecution': {
      const reason = text('reason', command.reason, { maxLength: 1000 });
      return [{ type: 'ExecutionCancelled', data: { ...base, attempt: state.attempt, reason } }];
    }
    case 'SkipExecution': {
      const reason = text('reason', command.reason, { maxLength: 1000 });
      if (state.status !== 'queued')
        throw new ConflictError(`execution ${state.id} is already ${state.status}`);
      return [{ type: 'ExecutionSkipped', data: { ...base, reason } }];
    }
  }
}

const TRIGGER_TYPES = ['http', 'cron', 'manual', 'try'] as const;
const FIRING_SOURCES = ['cron', 'http', 'manual'] as const;
const OUTCOMES = ['succeeded', 'failed', 'timed_out', 'cancelled'] as const;

/**
 * The queued execution's fields, checked. `input` and `http` are user data; whether they can
 * be stored as they are is the business of the encoding that produced them, not checked here.
 */
function validQueued(d: ExecutionQueued['data']): ExecutionQueued['data'] {
  id('executionId', d.executionId);
  if (d.scriptId !== null) id('scriptId', d.scriptId);
  integer('version', d.version, 0);
  integer('maxAttempts', d.maxAttempts, 1, MAX_ATTEMPTS);
  if (!isPlainObject(d.trigger)) throw new ValidationError('trigger must be an object');
  oneOf('trigger.type', d.trigger.type, TRIGGER_TYPES);
  if (d.trigger.id !== undefined) id('trigger.id', d.trigger.id);
  if (d.trigger.scheduledAt !== undefined) isoDate('trigger.scheduledAt', d.trigger.scheduledAt);
  if (d.trigger.late !== undefined) boolean('trigger.late', d.trigger.late);
  if (d.replayOf !== undefined) id('replayOf', d.replayOf);
  optionalText('artifactDir', d.artifactDir, 4096);
  if (d.limits !== undefined) {
    if (!isPlainObject(d.limits)) throw new ValidationError('limits must be an object');
    integer('limits.timeoutMs', d.limits.timeoutMs, 1);
    integer('limits.memoryMb', d.limits.memoryMb, 1);
    oneOf('limits.network', d.limits.network, ['none', 'egress'] as const);
    if (d.limits.secrets !== undefined) secretReferences('limits.secrets', d.limits.secrets);
  }
  if (d.http !== undefined && !isPlainObject(d.http)) throw new ValidationError('http must be an object');
  if (d.cron !== undefined) {
    if (!isPlainObject(d.cron)) throw new ValidationError('cron must be an object');
    isoDate('cron.scheduledAt', d.cron.scheduledAt);
    isoDate('cron.firedAt', d.cron.firedAt);
  }
  return d;
}

type Firing = Omit<ExecutionTriggerFired['data'], 'executionId' | 'scriptId'>;

function validFired(f: Firing): Firing {
  if (!isPlainObject(f)) throw new ValidationError('fired must be an object');
  id('fired.triggerId', f.triggerId);
  oneOf('fired.source', f.source, FIRING_SOURCES);
  isoDate('fired.firedAt', f.firedAt);
  if (f.scheduledAt !== undefined) isoDate('fired.scheduledAt', f.scheduledAt);
  if (f.late !== undefined) boolean('fired.late', f.late);
  return f;
}

/**
 * An outcome is recorded whatever its shape, so the execution always ends: a duration becomes
 * whole non-negative milliseconds, an error `{message, stack?}` of strings.
 */
function validOutcome(o: ExecutionOutcomeInput): ExecutionOutcomeInput {
  if (!isPlainObject(o)) throw new ValidationError('outcome must be an object');
  const status = oneOf('outcome.status', o.status, OUTCOMES);
  const ms = durationMs(o.durationMs);
  switch (status) {
    case 'succeeded':
      return { status, result: (o as { result?: unknown }).result, durationMs: ms };
    case 'failed':
    case 'timed_out':
      return { status, error: validError((o as { error?: unknown }).error), durationMs: ms };
    case 'cancelled':
      return { status, reason: String((o as { reason?: unknown }).reason ?? 'cancelled'), durationMs: ms };
  }
}

function validError(error: unknown): ExecutionError {
  if (!isPlainObject(error)) return { message: String(error ?? 'unknown error') };
  const { message, stack } = error;
  if (typeof message === 'string' && (stack === undefined || typeof stack === 'string'))
    return error as unknown as ExecutionError;
  return {
    ...error,
    message: typeof message === 'string' ? message : String(message ?? 'unknown error'),
    ...(typeof stack === 'string' ? { stack } : { stack: undefined }),
  };
}

export function evolveExecution(
  state: ExecutionState | undefined,
  event: ExecutionEvent,
): ExecutionState | undefined {
  const now = event.at ?? new Date().toISOString();
  if (event.type === 'ExecutionQueued') {
    const d = event.data;
    return {
      id: d.executionId,
      scriptId: d.scriptId,
      version: d.version,
      trigger: d.trigger,
      input: d.input,
      status: 'queued',
      attempt: 0,
      maxAttempts: d.maxAttempts,
      queuedAt: now,
      ...(d.replayOf ? { replayOf: d.replayOf } : {}),
      ...(d.artifactDir ? { artifactDir: d.artifactDir } : {}),
      ...(d.limits ? { limits: d.limits } : {}),
      ...(d.http ? { http: d.http } : {}),
      ...(d.cron ? { cron: d.cron } : {}),
    };
  }
  if (!state) return state;
  switch (event.type) {
    case 'TriggerFired':
      return state;
    case 'ExecutionStarted':
      return { ...state, status: 'running', attempt: event.data.attempt, startedAt: now, error: undefined };
    case 'ExecutionSucceeded':
      return {
        ...state,
        status: 'succeeded',
        result: event.data.result,
        finishedAt: now,
        durationMs: event.data.durationMs,
      };
    case 'ExecutionFailed':
      return event.data.willRetry
        ? { ...state, status: 'queued', error: event.data.error }
        : {
            ...state,
            status: 'failed',
            error: event.data.error,
            finishedAt: now,
            durationMs: event.data.durationMs,
          };
    case 'ExecutionTimedOut':
      return {
        ...state,
        status: 'timed_out',
        error: event.data.error,
        finishedAt: now,
        durationMs: event.data.durationMs,
      };
    case 'ExecutionCancelled':
      return { ...state, status: 'cancelled', finishedAt: now, durationMs: event.data.durationMs };
    case 'ExecutionSkipped':
      return { ...state, status: 'skipped', finishedAt: now, error: { message: event.data.reason } };
  }
  return state;
}

/** The state `events` lead to from `state`, each stamped as happened `at` (one append's events). */
export function evolveExecutionEvents(
  state: ExecutionState | undefined,
  events: ExecutionEvent[],
  at: string,
): ExecutionState | undefined {
  return events.reduce<ExecutionState | undefined>((s, e) => evolveExecution(s, { ...e, at }), state);
}

/** The execution aggregate, as repositories take it. */
export const executionAggregate: Aggregate<ExecutionState, ExecutionCommand, ExecutionEvent> = {
  decide: decideExecution,
  evolve: evolveExecution,
};
