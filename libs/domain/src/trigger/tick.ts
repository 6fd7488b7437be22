import { createHash } from 'node:crypto';
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

// Fixed namespace for tick ids (a random v4 uuid, chosen once; changing it changes every id).
const TICK_NAMESPACE = '6f1c1f4e-3b0a-4c59-9d57-5c2b8e0a7d21';

/**
 * The same key as a deterministic UUID (v5, RFC 9562), for the event store's `eventId`: appending
 * the `TriggerFired` of a tick twice then fails as a duplicate instead of firing twice.
 */
export function tickEventId(triggerId: string, scheduledAt: Date): string {
  const namespace = Buffer.from(TICK_NAMESPACE.replace(/-/g, ''), 'hex');
  const hash = createHash('sha1').update(namespace).update(tickKey(triggerId, scheduledAt)).digest();
  hash[6] = (hash[6] & 0x0f) | 0x50;
  hash[8] = (hash[8] & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
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
