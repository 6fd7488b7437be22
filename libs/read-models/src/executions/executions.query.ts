import { fromStored } from '@runlet/contracts';
import { Database } from '@runlet/event-store';
import { decodeCursor, encodeCursor, Page } from '../common/cursor';

export interface ExecutionFilter {
  scriptId?: string;
  triggerId?: string;
  status?: string;
  /** http, cron, manual or try. */
  triggerType?: string;
  /** Queued at or after (inclusive). */
  queuedFrom?: Date;
  /** Queued before (exclusive). */
  queuedBefore?: Date;
  cursor?: string;
  limit?: number;
}

export class ExecutionsQuery {
  constructor(private readonly db: Database) {}

  async list(filter: ExecutionFilter): Promise<Page<any>> {
    const limit = Math.min(Math.max(filter.limit ?? 50, 1), 500);
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (sql: string, value: unknown) => {
      params.push(value);
      where.push(sql.replace('?', `$${params.length}`));
    };
    if (filter.scriptId) add('script_id = ?', filter.scriptId);
    if (filter.triggerId) add('trigger_id = ?', filter.triggerId);
    if (filter.status) add('status = ?', filter.status);
    if (filter.triggerType) add('trigger_type = ?', filter.triggerType);
    if (filter.queuedFrom) add('queued_at >= ?::timestamptz', filter.queuedFrom.toISOString());
    if (filter.queuedBefore) add('queued_at < ?::timestamptz', filter.queuedBefore.toISOString());
    const after = decodeCursor(filter.cursor);
    if (after) {
      params.push(after[0], after[1]);
      where.push(`(queued_at, id) < ($${params.length - 1}::timestamptz, $${params.length}::text)`);
    }
    params.push(limit + 1);
    const rows = await this.db.query(
      `SELECT * FROM rm_executions ${where.length ? 'WHERE ' + where.join(' AND ') : ''}
       ORDER BY queued_at DESC, id DESC LIMIT $${params.length}`,
      params,
    );
    const items = rows.slice(0, limit).map(toView);
    const last = rows.length > limit ? rows[limit - 1] : undefined;
    return { items, nextCursor: last ? encodeCursor([last.queued_at.toISOString(), last.id]) : null };
  }

  /** Whether an execution of the trigger other than `exceptId` is queued or running (overlap: skip). */
  async triggerHasRunOtherThan(triggerId: string, exceptId: string): Promise<boolean> {
    const rows = await this.db.query(
      `SELECT 1 FROM rm_executions WHERE trigger_id = $1 AND status IN ('queued', 'running') AND id <> $2 LIMIT 1`,
      [triggerId, exceptId],
    );
    return rows.length > 0;
  }

  /** Ids of executions still waiting for a run that were queued before `before`, oldest first. */
  async waitingSince(before: Date, limit: number): Promise<string[]> {
    const rows = await this.db.query(
      `SELECT id FROM rm_executions WHERE status = 'queued' AND queued_at < $1 ORDER BY queued_at LIMIT $2`,
      [before.toISOString(), limit],
    );
    return rows.map((r: any) => r.id);
  }
}

/** A row as the API shows it; input, result and error decoded from their stored form (docs/json-encoding.md). */
function toView(r: any) {
  return {
    id: r.id,
    scriptId: r.script_id,
    version: r.version,
    trigger: {
      type: r.trigger_type,
      ...(r.trigger_id ? { id: r.trigger_id } : {}),
      ...(r.scheduled_at ? { scheduledAt: r.scheduled_at.toISOString() } : {}),
    },
    status: r.status,
    input: fromStored(r.input),
    result: fromStored(r.result),
    error: fromStored(r.error),
    attempt: r.attempt,
    queuedAt: r.queued_at.toISOString(),
    startedAt: r.started_at?.toISOString() ?? null,
    finishedAt: r.finished_at?.toISOString() ?? null,
    durationMs: r.duration_ms,
    ...(r.replay_of ? { replayOf: r.replay_of } : {}),
  };
}
