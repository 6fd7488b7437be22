import { GenericHmacOptions, WebhookAuth } from '@runlet/domain';
import { Database } from '@runlet/event-store';

export interface TriggerRow {
  id: string;
  scriptId: string;
  type: 'cron' | 'http';
  schedule: string | null;
  timezone: string | null;
  input: unknown;
  overlap: 'allow' | 'skip' | 'queue';
  catchUp: 'none' | 'latest';
  auth: WebhookAuth;
  mode: 'sync' | 'async';
  toleranceSeconds: number | null;
  hmac: GenericHmacOptions | null;
  publicKey: string | null;
  notifyUrl: string | null;
  paused: boolean;
  deleted: boolean;
  lastScheduledAt: string | null;
  lastFiredAt: string | null;
  fireCount: number;
  createdAt: string;
  updatedAt: string;
}

/** A secret a webhook may be verified with: its encrypted box (or, recorded before ids, a token's hash). */
export interface AcceptedSecret {
  id: string;
  box: string | null;
  hash: string | null;
}

/** A webhook secret as listed: never its value. */
export interface TriggerSecretRow {
  id: string;
  createdAt: string;
  expiresAt: string | null;
}

/** A live trigger of a live script, with the version a firing runs (null: nothing deployed). */
export type TriggerTarget = TriggerRow & { deployedVersion: number | null; secrets: AcceptedSecret[] };

export class TriggersQuery {
  constructor(private readonly db: Database) {}

  async byScript(scriptId: string): Promise<TriggerRow[]> {
    const rows = await this.db.query(
      `SELECT * FROM rm_triggers WHERE script_id = $1 AND NOT deleted ORDER BY created_at`,
      [scriptId],
    );
    return rows.map(toRow);
  }

  async byId(id: string): Promise<TriggerRow | null> {
    const [row] = await this.db.query(`SELECT * FROM rm_triggers WHERE id = $1 AND NOT deleted`, [id]);
    return row ? toRow(row) : null;
  }

  /** The webhook hot path's one read: the trigger, its script's deployed version and the secrets it accepts now. */
  async target(id: string): Promise<TriggerTarget | null> {
    const [row] = await this.db.query(
      `SELECT t.*, s.deployed_version,
              (SELECT COALESCE(json_agg(json_build_object('id', k.secret_id, 'box', COALESCE(v.box, k.legacy_box),
                                                          'hash', k.legacy_hash) ORDER BY k.created_at), '[]'::json)
                 FROM rm_trigger_secrets k
                 LEFT JOIN trigger_secret_vault v ON v.trigger_id = k.trigger_id AND v.secret_id = k.secret_id
                WHERE k.trigger_id = t.id AND (k.expires_at IS NULL OR k.expires_at > now())) AS accepted_secrets
         FROM rm_triggers t JOIN rm_scripts s ON s.id = t.script_id
        WHERE t.id = $1 AND NOT t.deleted AND NOT s.archived`,
      [id],
    );
    return row
      ? {
          ...toRow(row),
          deployedVersion: row.deployed_version,
          secrets: row.accepted_secrets as AcceptedSecret[],
        }
      : null;
  }

  /** A trigger's secrets accepted now, oldest first (ids and dates only). */
  async secrets(triggerId: string): Promise<TriggerSecretRow[]> {
    const rows = await this.db.query(
      `SELECT secret_id, created_at, expires_at FROM rm_trigger_secrets
        WHERE trigger_id = $1 AND (expires_at IS NULL OR expires_at > now()) ORDER BY created_at, secret_id`,
      [triggerId],
    );
    return rows.map((r: any) => ({
      id: r.secret_id,
      createdAt: iso(r.created_at)!,
      expiresAt: iso(r.expires_at),
    }));
  }

  /** These triggers, deleted ones too (so a cache learns about a deletion). */
  async byIdsWithDeleted(ids: string[]): Promise<TriggerRow[]> {
    const rows = await this.db.query(`SELECT * FROM rm_triggers WHERE id = ANY($1::text[])`, [ids]);
    return rows.map(toRow);
  }

  /** Every trigger of a script, deleted ones too. */
  async byScriptWithDeleted(scriptId: string): Promise<TriggerRow[]> {
    const rows = await this.db.query(`SELECT * FROM rm_triggers WHERE script_id = $1`, [scriptId]);
    return rows.map(toRow);
  }

  /** The trigger's notifyUrl, also once deleted: a run it fired before still reports its failure. */
  async notifyUrl(id: string): Promise<string | null> {
    const [row] = await this.db.query(`SELECT notify_url FROM rm_triggers WHERE id = $1`, [id]);
    return row?.notify_url ?? null;
  }

  /** Every live cron trigger (for the scheduler). */
  async activeCron(): Promise<TriggerRow[]> {
    const rows = await this.db.query(`SELECT * FROM rm_triggers WHERE type = 'cron' AND NOT deleted`);
    return rows.map(toRow);
  }
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

function toRow(r: any): TriggerRow {
  return {
    id: r.id,
    scriptId: r.script_id,
    type: r.type,
    schedule: r.schedule,
    timezone: r.timezone,
    input: r.input,
    overlap: r.overlap,
    catchUp: r.catch_up,
    auth: r.auth,
    mode: r.mode,
    toleranceSeconds: r.tolerance_seconds ?? null,
    hmac: r.hmac ?? null,
    publicKey: r.public_key ?? null,
    notifyUrl: r.notify_url,
    paused: r.paused,
    deleted: r.deleted,
    lastScheduledAt: iso(r.last_scheduled_at),
    lastFiredAt: iso(r.last_fired_at),
    fireCount: r.fire_count,
    createdAt: iso(r.created_at)!,
    updatedAt: iso(r.updated_at)!,
  };
}
