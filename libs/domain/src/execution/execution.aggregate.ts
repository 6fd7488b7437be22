import { ConflictError, NotFoundError, ValidationError } from '../shared/errors';
import {
  ExecutionCommand,
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
    const { type: _t, fired, ...data } = command;
    if (!Number.isInteger(data.maxAttempts) || data.maxAttempts < 1)
      throw new ValidationError('maxAttempts must be ≥ 1');
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
      if (command.attempt <= state.attempt) {
        throw new ConflictError(`attempt ${command.attempt} of execution ${state.id} has already started`);
      }
      return [{ type: 'ExecutionStarted', data: { ...base, attempt: command.attempt } }];
    case 'CompleteExecution': {
      if (state.status !== 'running' || command.attempt !== state.attempt) {
        throw new ConflictError(`attempt ${command.attempt} of execution ${state.id} is not the running one`);
      }
      const o = command.outcome;
      const attempt = command.attempt;
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
    case 'CancelExecution':
      return [
        { type: 'ExecutionCancelled', data: { ...base, attempt: state.attempt, reason: command.reason } },
      ];
    case 'SkipExecution':
      if (state.status !== 'queued')
        throw new ConflictError(`execution ${state.id} is already ${state.status}`);
      return [{ type: 'ExecutionSkipped', data: { ...base, reason: command.reason } }];
  }
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
