import { previousRun } from './schedule';

export type CatchUpPolicy = 'none' | 'latest';

export interface Tick {
  scheduledAt: Date;
  /** Fired after its time had passed (catch-up after downtime), not on schedule. */
  late: boolean;
}

/**
 * Unique key of one tick of one trigger. Used as the BullMQ job id / lock name so two scheduler
 * processes that both see a tick enqueue it once. No ':' (BullMQ refuses it in custom ids).
 */
export function tickKey(triggerId: string, scheduledAt: Date): string {
  return `tick-${triggerId}-${scheduledAt.getTime()}`;
}

/**
 * Ticks missed between the last scheduled tick and `now` (interval `(lastScheduledAt, now]`), reduced
 * by the catch-up policy: `latest` → only the most recent one, marked late; `none` → nothing.
 * Looks backwards from `now`, so an every-second schedule after a week offline costs one step.
 */
export function missedTicks(
  expression: string,
  timezone: string,
  lastScheduledAt: Date,
  now: Date,
  policy: CatchUpPolicy,
): Tick[] {
  if (policy === 'none') return [];
  const latest = previousRun(expression, timezone, now);
  return latest && latest > lastScheduledAt ? [{ scheduledAt: latest, late: true }] : [];
}
