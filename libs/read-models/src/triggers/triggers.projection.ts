import { Queryable, StoredEvent, SubscriptionHandler } from '@runlet/event-store';
import { EventType, TRIGGER_EVENT_TYPES } from '@runlet/domain';

const COLUMN_OF: Record<string, string> = {
  schedule: 'schedule',
  timezone: 'timezone',
  input: 'input',
  overlap: 'overlap',
  catchUp: 'catch_up',
  mode: 'mode',
  notifyUrl: 'notify_url',
  auth: 'auth',
  toleranceSeconds: 'tolerance_seconds',
  hmac: 'hmac',
  publicKey: 'public_key',
};
/** Columns holding JSON. */
const JSON_FIELDS = new Set(['input', 'hmac']);

/** rm_triggers: every trigger's settings, state and last firing (fed by trigger streams and firings). */
export class TriggersProjection implements SubscriptionHandler {
  readonly name = 'projection:triggers';
  readonly eventTypes = [...TRIGGER_EVENT_TYPES, EventType.TriggerFired, EventType.ScriptArchived];

  /** Firings are counted per trigger and written together (before any other change to it). */
  async handle(events: StoredEvent[], tx: Queryable): Promise<void> {
    const fired = new Map<string, FiringTally>();
    for (const e of events) {
      if (e.type === EventType.TriggerFired) {
        tally(fired, e.data);
        continue;
      }
      await writeFirings(fired, tx);
      await this.apply(e, tx);
    }
    await writeFirings(fired, tx);
  }

  async reset(tx: Queryable): Promise<void> {
    await tx.query(`DELETE FROM rm_triggers`);
    await tx.query(`DELETE FROM rm_trigger_secrets`);
  }

  private async apply(e: StoredEvent, tx: Queryable): Promise<void> {
    const d = e.data;
    const at = e.recordedAt;
    const set = (sql: string, params: unknown[] = []) =>
      tx.query(`UPDATE rm_triggers SET ${sql}, updated_at = $2 WHERE id = $1`, [d.triggerId, at, ...params]);
    const touch = () => tx.query(`UPDATE rm_triggers SET updated_at = $2 WHERE id = $1`, [d.triggerId, at]);
    const addSecret = (secretId: string, legacy: { hash?: string; box?: string } = {}) =>
      tx.query(
        `INSERT INTO rm_trigger_secrets (trigger_id, secret_id, created_at, legacy_hash, legacy_box)
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`,
        [d.triggerId, secretId, at, legacy.hash ?? null, legacy.box ?? null],
      );
    switch (e.type) {
      case EventType.TriggerCreated:
        await tx.query(
          `INSERT INTO rm_triggers (id, script_id, type, schedule, timezone, input, overlap, catch_up, auth, mode, notify_url,
                                    tolerance_seconds, hmac, public_key, created_at, updated_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $15) ON CONFLICT (id) DO NOTHING`,
          [
            d.triggerId,
            d.scriptId,
            d.triggerType,
            d.schedule ?? null,
            d.timezone ?? null,
            JSON.stringify(d.input ?? null),
            d.overlap,
            d.catchUp,
            d.auth,
            d.mode,
            d.notifyUrl ?? null,
            d.toleranceSeconds ?? null,
            d.hmac ? JSON.stringify(d.hmac) : null,
            d.publicKey ?? null,
            at,
          ],
        );
        if (d.secretId) await addSecret(d.secretId);
        else if (d.secretHash || d.secretBox)
          await addSecret('legacy', { hash: d.secretHash, box: d.secretBox });
        return;
      case EventType.TriggerUpdated: {
        const entries = Object.entries(d.changes ?? {}).filter(([k]) => COLUMN_OF[k]);
        if (entries.length === 0) return;
        const sql = entries.map(([k], i) => `${COLUMN_OF[k]} = $${i + 3}`).join(', ');
        await set(
          sql,
          entries.map(([k, v]) =>
            k === 'input'
              ? JSON.stringify(v ?? null)
              : JSON_FIELDS.has(k) && v !== null
                ? JSON.stringify(v)
                : v,
          ),
        );
        return;
      }
      case EventType.TriggerPaused:
        await set(`paused = true`);
        return;
      case EventType.TriggerResumed:
        await set(`paused = false`);
        return;
      case EventType.TriggerDeleted:
        await set(`deleted = true`);
        return;
      case EventType.TriggerSecretRotated:
        await touch();
        if (d.secretId) {
          await tx.query(
            `UPDATE rm_trigger_secrets SET expires_at = LEAST(COALESCE(expires_at, $2), $2) WHERE trigger_id = $1`,
            [d.triggerId, d.graceUntil],
          );
          await addSecret(d.secretId);
          return;
        }
        // Recorded before secrets had ids: the current one becomes the previous one.
        await tx.query(
          `DELETE FROM rm_trigger_secrets WHERE trigger_id = $1 AND secret_id = 'legacy-previous'`,
          [d.triggerId],
        );
        await tx.query(
          `UPDATE rm_trigger_secrets SET secret_id = 'legacy-previous', expires_at = $2
            WHERE trigger_id = $1 AND secret_id = 'legacy'`,
          [d.triggerId, d.graceUntil],
        );
        await addSecret('legacy', { hash: d.secretHash, box: d.secretBox });
        return;
      case EventType.TriggerSecretAdded:
        await touch();
        await addSecret(d.secretId);
        return;
      case EventType.TriggerSecretRetired:
        await touch();
        await tx.query(`DELETE FROM rm_trigger_secrets WHERE trigger_id = $1 AND secret_id = $2`, [
          d.triggerId,
          d.secretId,
        ]);
        return;
      case EventType.ScriptArchived:
        // An archived script's triggers stop.
        await tx.query(`UPDATE rm_triggers SET deleted = true, updated_at = $2 WHERE script_id = $1`, [
          d.scriptId,
          at,
        ]);
        return;
    }
  }
}

interface FiringTally {
  id: string;
  count: number;
  firedAt: string;
  scheduledAt: string | null;
}

function tally(fired: Map<string, FiringTally>, d: any): void {
  const t = fired.get(d.triggerId) ?? { id: d.triggerId, count: 0, firedAt: d.firedAt, scheduledAt: null };
  t.count++;
  if (d.firedAt > t.firedAt) t.firedAt = d.firedAt;
  if (d.scheduledAt && (!t.scheduledAt || d.scheduledAt > t.scheduledAt)) t.scheduledAt = d.scheduledAt;
  fired.set(d.triggerId, t);
}

/** One statement for all tallied firings; empties the tally. */
async function writeFirings(fired: Map<string, FiringTally>, tx: Queryable): Promise<void> {
  if (fired.size === 0) return;
  const rows = JSON.stringify([...fired.values()]);
  fired.clear();
  await tx.query(
    `UPDATE rm_triggers t SET fire_count = t.fire_count + f.count,
       last_fired_at = GREATEST(t.last_fired_at, f."firedAt"),
       last_scheduled_at = CASE WHEN f."scheduledAt" IS NULL THEN t.last_scheduled_at
                                ELSE GREATEST(t.last_scheduled_at, f."scheduledAt") END
     FROM jsonb_to_recordset($1::jsonb) AS f(id TEXT, count INT, "firedAt" TIMESTAMPTZ, "scheduledAt" TIMESTAMPTZ)
     WHERE t.id = f.id`,
    [rows],
  );
}
