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

export type ScriptDetailView = ScriptSummaryView &
  Omit<ScriptVersionView, 'version' | 'reason' | 'actor' | 'createdAt'>;

/** Queries over the scripts read model. Archived scripts are invisible. */
export class ScriptsQuery {
  constructor(private readonly db: Database) {}

  async list(opts: { cursor?: string; limit?: number }): Promise<Page<ScriptSummaryView>> {
    const limit = Math.min(Math.max(opts.limit ?? 50, 1), 200);
    const after = decodeCursor(opts.cursor);
    const params: unknown[] = [limit + 1];
    let where = 'NOT archived';
    if (after) {
      params.push(after[0], after[1]);
      where += ` AND (created_at, id) < ($2::timestamptz, $3::text)`;
    }
    const rows = await this.db.query(
      `SELECT * FROM rm_scripts WHERE ${where} ORDER BY created_at DESC, id DESC LIMIT $1`,
      params,
    );
    const items = rows.slice(0, limit).map(toSummary);
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
