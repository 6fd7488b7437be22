import { fromStoredText, LogLine, toStoredText } from '@runlet/contracts';
import type { AppendAttachment } from '@runlet/event-store';

/** `Database` or a transaction. */
export interface SqlRunner {
  query(sql: string, params?: unknown[]): Promise<any[]>;
}

export interface PendingLine {
  executionId: string;
  /** The script whose execution wrote the line (a script search and the CloudWatch stream); none for try-outs and builds. */
  scriptId?: string | null;
  line: LogLine;
}

// One statement for any number of lines and executions: seven array parameters instead of
// 7×N placeholders, so the statement text (and its plan) never changes with the batch size.
const insertSql = (first: number) => `
  INSERT INTO execution_logs (execution_id, seq, ts, level, stream, message, script_id)
  SELECT * FROM unnest($${first}::text[], $${first + 1}::int[], $${first + 2}::timestamptz[],
                       $${first + 3}::text[], $${first + 4}::text[], $${first + 5}::text[],
                       $${first + 6}::text[])
  ON CONFLICT (execution_id, seq) DO NOTHING`;
const INSERT_SQL = insertSql(1);

const SELECT_SQL = `
  SELECT seq, ts, level, stream, message FROM execution_logs
  WHERE execution_id = $1 AND seq > $2
  ORDER BY seq
  LIMIT $3`;

/** Inserts the lines; a line whose (execution, seq) is already stored, or repeated in the batch, is skipped. */
export async function insertLines(db: SqlRunner, lines: PendingLine[]): Promise<void> {
  const columns = lineColumns(lines);
  if (columns[0].length > 0) await db.query(INSERT_SQL, columns);
}

/**
 * Log lines written by the event store's append statement, with the events (`attached` rows are
 * PendingLines): an execution's outcome and its last lines are stored together or not at all.
 */
export const logLinesAttachment: AppendAttachment = {
  sql: insertSql,
  params: (rows) => lineColumns(rows as PendingLine[]),
};

/** The INSERT's seven column arrays. */
function lineColumns(
  lines: PendingLine[],
): [string[], number[], string[], string[], string[], string[], (string | null)[]] {
  const ids: string[] = [];
  const seqs: number[] = [];
  const tss: string[] = [];
  const levels: string[] = [];
  const streams: string[] = [];
  const messages: string[] = [];
  const scripts: (string | null)[] = [];
  // Deduplicated here as well, so no statement ever inserts the same key twice, whatever the engine's rules for that.
  const seen = new Set<string>();
  for (const { executionId, scriptId, line } of lines) {
    const key = `${executionId}\u0000${line.seq}`;
    if (seen.has(key)) continue;
    seen.add(key);
    ids.push(executionId);
    seqs.push(line.seq);
    tss.push(line.ts);
    levels.push(line.level);
    streams.push(line.stream);
    // TEXT holds no NUL (the batch would fail) and the driver turns a lone surrogate into U+FFFD.
    messages.push(toStoredText(line.message));
    scripts.push(scriptId ?? null);
  }
  return [ids, seqs, tss, levels, streams, messages, scripts];
}

export async function selectLines(
  db: SqlRunner,
  executionId: string,
  after: number,
  limit: number,
): Promise<LogLine[]> {
  const rows = await db.query(SELECT_SQL, [executionId, after, limit]);
  return rows.map(toLogLine);
}

/** A row of execution_logs as the line it stores. */
export function toLogLine(r: any): LogLine {
  return {
    // INT is INT8 on CockroachDB, which pg returns as a string.
    seq: Number(r.seq),
    ts: r.ts instanceof Date ? r.ts.toISOString() : new Date(r.ts).toISOString(),
    level: r.level,
    stream: r.stream,
    message: fromStoredText(r.message),
  };
}
