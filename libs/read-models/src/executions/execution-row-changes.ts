import { StoredEvent } from '@runlet/event-store';
import { EventType } from '@runlet/domain';

/** Columns of rm_executions an event may set (snake_case, as stored). */
export interface ExecutionRowPatch {
  status?: string;
  attempt?: number;
  started_at?: string;
  finished_at?: string;
  duration_ms?: number | null;
  result?: unknown;
  error?: unknown;
}

export interface NewExecutionRow extends ExecutionRowPatch {
  id: string;
  script_id: string | null;
  version: number;
  trigger_type: string;
  trigger_id: string | null;
  scheduled_at: string | null;
  status: string;
  input: unknown;
  queued_at: string;
  replay_of: string | null;
}

/**
 * Folds a batch of execution events into at most one change per execution: a new row for an
 * execution queued in this batch (with its later events already applied), otherwise one patch.
 * An execution makes three to four events in quick succession, so this turns them into one
 * statement's worth of rows instead of one statement per event.
 */
export function foldExecutionEvents(events: StoredEvent[]): {
  inserts: NewExecutionRow[];
  patches: Map<string, ExecutionRowPatch>;
} {
  const inserts = new Map<string, NewExecutionRow>();
  const patches = new Map<string, ExecutionRowPatch>();
  for (const e of events) {
    const d = e.data;
    const at = e.recordedAt.toISOString();
    if (e.type === EventType.ExecutionQueued) {
      inserts.set(d.executionId, {
        id: d.executionId,
        script_id: d.scriptId ?? null,
        version: d.version,
        trigger_type: d.trigger.type,
        trigger_id: d.trigger.id ?? null,
        scheduled_at: d.trigger.scheduledAt ?? null,
        status: 'queued',
        input: d.input ?? null,
        queued_at: at,
        replay_of: d.replayOf ?? null,
      });
      continue;
    }
    const change = patchOf(e.type, d, at);
    if (!change) continue;
    const target = inserts.get(d.executionId) ?? patches.get(d.executionId) ?? {};
    Object.assign(target, change);
    if (!inserts.has(d.executionId)) patches.set(d.executionId, target);
  }
  return { inserts: [...inserts.values()], patches };
}

function patchOf(type: string, d: any, at: string): ExecutionRowPatch | null {
  switch (type) {
    case EventType.ExecutionStarted:
      return { status: 'running', attempt: d.attempt, started_at: at, error: null };
    case EventType.ExecutionSucceeded:
      return { status: 'succeeded', result: d.result ?? null, finished_at: at, duration_ms: d.durationMs };
    case EventType.ExecutionFailed:
      return d.willRetry
        ? { status: 'queued', error: d.error }
        : { status: 'failed', error: d.error, finished_at: at, duration_ms: d.durationMs };
    case EventType.ExecutionTimedOut:
      return { status: 'timed_out', error: d.error, finished_at: at, duration_ms: d.durationMs };
    case EventType.ExecutionCancelled:
      return { status: 'cancelled', finished_at: at, duration_ms: d.durationMs ?? null };
    case EventType.ExecutionSkipped:
      return { status: 'skipped', error: { message: d.reason }, finished_at: at };
    default:
      return null;
  }
}
