import { toStoredText } from '@runlet/contracts';
import type { LogLine } from '@runlet/contracts';
import { SqlRunner, toLogLine } from '../log-sql';
import { LogSearchFilter, likePattern, trigramIndexable } from './log-search-filter';

/** Where a page of a script search ends: the last line's sort key (newest first). */
export interface ScriptLogPosition {
  ts: string;
  executionId: string;
  seq: number;
}

export type ScriptLogLine = LogLine & { executionId: string };

/** The filter's conditions, numbered from `params.length + 1`; appends their parameters. */
function conditions(filter: LogSearchFilter, params: unknown[]): string[] {
  const where: string[] = [];
  const param = (value: unknown, cast: string) => {
    params.push(value);
    return `$${params.length}::${cast}`;
  };
  if (filter.levels) where.push(`level = ANY(${param(filter.levels, 'text[]')})`);
  if (filter.from) where.push(`ts >= ${param(filter.from.toISOString(), 'timestamptz')}`);
  if (filter.to) where.push(`ts < ${param(filter.to.toISOString(), 'timestamptz')}`);
  if (filter.q !== undefined) {
    // Messages are stored escaped (toStoredText, per character), so the term is matched in that form.
    const pattern = param(likePattern(toStoredText(filter.q)), 'text');
    // A term the trigram index cannot narrow is matched on an expression the index does not
    // cover, so no engine scans the whole index for it; the other conditions lead instead.
    where.push(trigramIndexable(filter.q) ? `message ILIKE ${pattern}` : `(message || '') ILIKE ${pattern}`);
  }
  return where;
}

const and = (where: string[]) => where.map((w) => ` AND ${w}`).join('');

/** One execution's lines after `after` that pass the filter, in seq order (the primary key's). */
export async function searchExecutionLines(
  db: SqlRunner,
  executionId: string,
  after: number,
  limit: number,
  filter: LogSearchFilter,
): Promise<LogLine[]> {
  const params: unknown[] = [executionId, after];
  const where = conditions(filter, params);
  params.push(limit);
  const rows = await db.query(
    `SELECT seq, ts, level, stream, message FROM execution_logs
     WHERE execution_id = $1 AND seq > $2${and(where)}
     ORDER BY seq LIMIT $${params.length}`,
    params,
  );
  return rows.map(toLogLine);
}

/**
 * One script's lines that pass the filter, newest first (ts, then execution and seq, the order
 * of execution_logs_script_ts read backwards), after `before` when a page went before.
 */
export async function searchScriptLines(
  db: SqlRunner,
  scriptId: string,
  before: ScriptLogPosition | undefined,
  limit: number,
  filter: LogSearchFilter,
): Promise<ScriptLogLine[]> {
  const params: unknown[] = [scriptId];
  const where = conditions(filter, params);
  if (before) {
    params.push(before.ts, before.executionId, before.seq);
    const n = params.length;
    where.push(`(ts, execution_id, seq) < ($${n - 2}::timestamptz, $${n - 1}::text, $${n}::int)`);
  }
  params.push(limit);
  const rows = await db.query(
    `SELECT execution_id, seq, ts, level, stream, message FROM execution_logs
     WHERE script_id = $1${and(where)}
     ORDER BY ts DESC, execution_id DESC, seq DESC LIMIT $${params.length}`,
    params,
  );
  return rows.map((r: any) => ({ ...toLogLine(r), executionId: r.execution_id }));
}
