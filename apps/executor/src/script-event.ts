import { ExecutionState } from '@runlet/domain';

/** The `event` argument of the user's function (DESIGN §4). */
export function scriptEventOf(state: ExecutionState): Record<string, unknown> {
  const trigger: Record<string, unknown> = { type: state.trigger.type };
  if (state.trigger.id) trigger.id = state.trigger.id;
  return {
    trigger,
    input: state.input ?? undefined,
    ...(state.http ? { http: state.http } : {}),
    ...(state.cron ? { cron: state.cron } : {}),
  };
}
