import { Database } from '@runlet/event-store';

export interface BuildView {
  id: string;
  scriptId: string;
  version: number;
  status: 'pending' | 'building' | 'succeeded' | 'failed';
  upgrade: boolean;
  attempt: number;
  cacheHit: boolean | null;
  resolvedDependencies: Record<string, string>;
  lockfileHash: string | null;
  changes: Record<string, { from: string | null; to: string | null }>;
  error?: string;
  errorLocation?: { line: number; column: number };
  durationMs: number | null;
  requestedAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

/** Queries over rm_builds. */
export class BuildsQuery {
  constructor(private readonly db: Database) {}

  /** The script's builds, newest version first. */
  async list(scriptId: string, limit = 100): Promise<BuildView[]> {
    const rows = await this.db.query(
      `SELECT * FROM rm_builds WHERE script_id = $1 ORDER BY version DESC, requested_at DESC LIMIT $2`,
      [scriptId, Math.min(Math.max(limit, 1), 500)],
    );
    return rows.map(toView);
  }

  async get(buildId: string): Promise<BuildView | null> {
    const [row] = await this.db.query(`SELECT * FROM rm_builds WHERE id = $1`, [buildId]);
    return row ? toView(row) : null;
  }
}

function toView(row: any): BuildView {
  return {
    id: row.id,
    scriptId: row.script_id,
    version: row.version,
    status: row.status,
    upgrade: row.upgrade,
    attempt: row.attempt,
    cacheHit: row.cache_hit,
    resolvedDependencies: sortedKeys(row.resolved_dependencies),
    lockfileHash: row.lockfile_hash,
    changes: sortedKeys(row.changes),
    ...(row.error ? { error: row.error } : {}),
    ...(row.error_location ? { errorLocation: row.error_location } : {}),
    durationMs: row.duration_ms,
    requestedAt: row.requested_at.toISOString(),
    startedAt: row.started_at?.toISOString() ?? null,
    finishedAt: row.finished_at?.toISOString() ?? null,
  };
}

/** JSONB keeps its own key order; answer in package-name order. */
function sortedKeys<T>(record: Record<string, T> | null): Record<string, T> {
  return Object.fromEntries(Object.entries(record ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
