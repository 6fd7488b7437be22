import { ExecutionState } from '@runlet/domain';
import { fromStored } from '@runlet/contracts';

/** The execution as the API shows it (docs/api.md). */
export interface ExecutionView {
  id: string;
  scriptId: string | null;
  version: number;
  trigger: ExecutionState['trigger'];
  status: ExecutionState['status'];
  input: unknown;
  result: unknown;
  error: ExecutionState['error'] | null;
  attempt: number;
  queuedAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  durationMs: number | null;
  replayOf?: string;
}

/** The view of a state; its input, result and error decoded from their stored form (docs/json-encoding.md). */
export function toExecutionView(s: ExecutionState): ExecutionView {
  return {
    id: s.id,
    scriptId: s.scriptId,
    version: s.version,
    trigger: s.trigger,
    status: s.status,
    input: fromStored(s.input ?? null),
    result: fromStored(s.result ?? null),
    error: fromStored(s.error ?? null),
    attempt: s.attempt,
    queuedAt: s.queuedAt,
    startedAt: s.startedAt ?? null,
    finishedAt: s.finishedAt ?? null,
    durationMs: s.durationMs ?? null,
    ...(s.replayOf ? { replayOf: s.replayOf } : {}),
  };
}
