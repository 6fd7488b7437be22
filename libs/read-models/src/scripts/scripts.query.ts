import { Database } from '@runlet/event-store';
import { decodeCursor, encodeCursor, Page } from '../common/cursor';

export interface ScriptVersionView {
  version: number;
  code: string;
  language: string;
  dependencies: Record<string, string>;
  secrets: string[];
  timeoutMs: number;
  memoryMb: number;
  network: string;
  maxAttempts: number;
  notifyUrl: string | null;
  reason: string | null;
  actor: string | null;
  createdAt: string;
}

export interface ScriptSummaryView {
  id: string;
  name: string;
  latestVersion: number;
  deployedVersion: number | null;
  build: { status: string; version: number | null; error?: string } | null;
  createdAt: string;
  updatedAt: string;
}

/** A row of the scripts list: the summary, the last (non-try) run and the running cron schedules. */
export type ScriptListItemView = ScriptSummaryView & {
  lastExecution: { status: string; queuedAt: string; finishedAt: string | null } | null;
  cronSchedules: { schedule: string; timezone: string | null }[];
};

export type ScriptDetailView = ScriptSummaryView &
  Omit<ScriptVersionView, 'version' | 'reason' | 'actor' | 'createdAt'>;

/** Queries over the scripts read model. Archived scripts are invisible. */
export class ScriptsQuery {
  constructor(private readonly db: Database) {}

  async list(opts: { cursor?: string; limit?: number; q?: string }): Promise<Page<ScriptListItemView>> {
    const limit = Math.min(Math.max(opts.limit ?? 50, 1), 200);
    const after = decodeCursor(opts.cursor);
    const params: unknown[] = [limit + 1];
    let where = 'NOT s.archived';
    if (opts.q) {
      // A name search: a substring, case-insensitive, with LIKE's wildcards taken literally.
      params.push(`%${opts.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
      where += ` AND s.name ILIKE $${params.length}`;
    }
    if (after) {
      params.push(after[0], after[1]);
      where += ` AND (s.created_at, s.id) < ($${params.length - 1}::timestamptz, $${params.length}::text)`;
    }
    // The list also shows each script's last run and its running cron schedules (the API computes
    // the next run from them); both come from one index lookup per listed script.
    const rows = await this.db.query(
      `SELECT s.*, le.status AS last_status, le.queued_at AS last_queued_at, le.finished_at AS last_finished_at,
              (SELECT json_agg(json_build_object('schedule', t.schedule, 'timezone', t.timezone))
                 FROM rm_triggers t
                WHERE t.script_id = s.id AND t.type = 'cron' AND NOT t.paused AND NOT t.deleted) AS crons
         FROM rm_scripts s
         LEFT JOIN LATERAL (
           SELECT status, queued_at, finished_at FROM rm_executions e
            WHERE e.script_id = s.id AND e.trigger_type <> 'try'
            ORDER BY e.queued_at DESC LIMIT 1
         ) le ON true
        WHERE ${where} ORDER BY s.created_at DESC, s.id DESC LIMIT $1`,
      params,
    );
    const items = rows.slice(0, limit).map((row: any): ScriptListItemView => ({
      ...toSummary(row),
      lastExecution: row.last_status
        ? {
            status: row.last_status,
            queuedAt: row.last_queued_at.toISOString(),
            finishedAt: row.last_finished_at?.toISOString() ?? null,
          }
        : null,
      cronSchedules: row.crons ?? [],
    }));
    const last = rows.length > limit ? rows[limit - 1] : undefined;
    return { items, nextCursor: last ? encodeCursor([last.created_at.toISOString(), last.id]) : null };
  }

  async summary(id: string): Promise<ScriptSummaryView | null> {
    const [row] = await this.db.query(`SELECT * FROM rm_scripts WHERE id = $1 AND NOT archived`, [id]);
    return row ? toSummary(row) : null;
  }

  /** The version a firing of the script runs: null when nothing is deployed or the script is archived. */
  async deployedVersion(id: string): Promise<number | null> {
    const [row] = await this.db.query(`SELECT deployed_version, archived FROM rm_scripts WHERE id = $1`, [
      id,
    ]);
    return row && !row.archived ? (row.deployed_version ?? null) : null;
  }

  /** The notifyUrl of one saved version (archived scripts included). */
  async versionNotifyUrl(id: string, version: number): Promise<string | null> {
    const [row] = await this.db.query(
      `SELECT notify_url FROM rm_script_versions WHERE script_id = $1 AND version = $2`,
      [id, version],
    );
    return row?.notify_url ?? null;
  }

  async detail(id: string): Promise<ScriptDetailView | null> {
    const summary = await this.summary(id);
    if (!summary) return null;
    const latest = await this.version(id, summary.latestVersion);
    if (!latest) return null;
    const { version: _v, reason: _r, actor: _a, createdAt: _c, ...spec } = latest;
    return { ...summary, ...spec };
  }

  async versions(id: string): Promise<ScriptVersionView[]> {
    const rows = await this.db.query(
      `SELECT * FROM rm_script_versions WHERE script_id = $1 ORDER BY version`,
      [id],
    );
    return rows.map(toVersion);
  }

  async version(id: string, version: number): Promise<ScriptVersionView | null> {
    const [row] = await this.db.query(
      `SELECT * FROM rm_script_versions WHERE script_id = $1 AND version = $2`,
      [id, version],
    );
    return row ? toVersion(row) : null;
  }
}

function toSummary(row: any): ScriptSummaryView {
  return {
    id: row.id,
    name: row.name,
    latestVersion: row.latest_version,
    deployedVersion: row.deployed_version,
    build: row.build_status
      ? {
          status: row.build_status,
          version: row.build_version,
          ...(row.build_error ? { error: row.build_error } : {}),
        }
      : null,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

function toVersion(row: any): ScriptVersionView {
  return {
    version: row.version,
    code: row.code,
    language: row.language,
    dependencies: row.dependencies,
    secrets: row.secrets,
    timeoutMs: row.timeout_ms,
    memoryMb: row.memory_mb,
    network: row.network,
    maxAttempts: row.max_attempts,
    notifyUrl: row.notify_url ?? null,
    reason: row.reason,
    actor: row.actor,
    createdAt: row.created_at.toISOString(),
  };
}
