import { ExecutionState } from '@runlet/domain';
import { fromStored } from '@runlet/contracts';

/** The `event` argument of the user's function: what was stored for it, decoded (docs/json-encoding.md). */
export function scriptEventOf(state: ExecutionState): Record<string, unknown> {
  const trigger: Record<string, unknown> = { type: state.trigger.type };
  if (state.trigger.id) trigger.id = state.trigger.id;
  return {
    trigger,
    input: fromStored(state.input) ?? undefined,
    ...(state.http ? { http: fromStored(state.http) } : {}),
    ...(state.cron ? { cron: state.cron } : {}),
  };
}
