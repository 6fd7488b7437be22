import { ExecutionState } from '@runlet/domain';

/** The execution as the API shows it (DESIGN §5). */
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

export function toExecutionView(s: ExecutionState): ExecutionView {
  return {
    id: s.id,
    scriptId: s.scriptId,
    version: s.version,
    trigger: s.trigger,
    status: s.status,
    input: s.input ?? null,
    result: s.result ?? null,
    error: s.error ?? null,
    attempt: s.attempt,
    queuedAt: s.queuedAt,
    startedAt: s.startedAt ?? null,
    finishedAt: s.finishedAt ?? null,
    durationMs: s.durationMs ?? null,
    ...(s.replayOf ? { replayOf: s.replayOf } : {}),
  };
}
