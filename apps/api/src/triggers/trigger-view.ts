import { nextRuns, toleranceOf } from '@runlet/domain';
import { TriggerRow } from '@runlet/read-models';

/** A trigger as the API shows it; secrets never leave except once, at creation or rotation. */
export function toTriggerView(t: TriggerRow, publicUrl: string, now = new Date()) {
  const upcoming =
    t.type === 'cron' && t.schedule && !t.paused ? nextRuns(t.schedule, t.timezone ?? 'UTC', now, 5) : [];
  return {
    id: t.id,
    scriptId: t.scriptId,
    type: t.type,
    ...(t.type === 'cron'
      ? {
          schedule: t.schedule,
          timezone: t.timezone,
          overlap: t.overlap,
          catchUp: t.catchUp,
          nextRunAt: upcoming[0]?.toISOString() ?? null,
          nextRuns: upcoming.map((d) => d.toISOString()),
          lastScheduledAt: t.lastScheduledAt,
        }
      : {
          url: `${publicUrl}/hooks/${t.id}`,
          auth: t.auth,
          mode: t.mode,
          // The tolerance in force (the trigger's own or its scheme's default); null where nothing signs a time.
          toleranceSeconds: toleranceOf(t.auth, t.hmac ?? undefined, t.toleranceSeconds ?? undefined),
          ...(t.hmac ? { hmac: t.hmac } : {}),
          ...(t.publicKey ? { publicKey: t.publicKey } : {}),
        }),
    input: t.input ?? null,
    paused: t.paused,
    notifyUrl: t.notifyUrl,
    lastFiredAt: t.lastFiredAt,
    fireCount: t.fireCount,
    createdAt: t.createdAt,
    updatedAt: t.updatedAt,
  };
}
