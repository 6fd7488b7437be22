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
  auth: 'none' | 'token' | 'hmac';
  mode: 'sync' | 'async';
  notifyUrl: string | null;
  secretHash: string | null;
  secretBox: string | null;
  previousSecretHash: string | null;
  previousSecretBox: string | null;
  graceUntil: string | null;
  paused: boolean;
  deleted: boolean;
  lastScheduledAt: string | null;
  lastFiredAt: string | null;
  fireCount: number;
  createdAt: string;
  updatedAt: string;
}

/** A live trigger of a live script, with the version a firing runs (null: nothing deployed). */
export type TriggerTarget = TriggerRow & { deployedVersion: number | null };

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

  /** The webhook hot path's one read: the trigger and its script's deployed version. */
  async target(id: string): Promise<TriggerTarget | null> {
    const [row] = await this.db.query(
      `SELECT t.*, s.deployed_version FROM rm_triggers t JOIN rm_scripts s ON s.id = t.script_id
        WHERE t.id = $1 AND NOT t.deleted AND NOT s.archived`,
      [id],
    );
    return row ? { ...toRow(row), deployedVersion: row.deployed_version } : null;
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
    notifyUrl: r.notify_url,
    secretHash: r.secret_hash,
    secretBox: r.secret_box,
    previousSecretHash: r.previous_secret_hash,
    previousSecretBox: r.previous_secret_box,
    graceUntil: iso(r.grace_until),
    paused: r.paused,
    deleted: r.deleted,
    lastScheduledAt: iso(r.last_scheduled_at),
    lastFiredAt: iso(r.last_fired_at),
    fireCount: r.fire_count,
    createdAt: iso(r.created_at)!,
    updatedAt: iso(r.updated_at)!,
  };
}
