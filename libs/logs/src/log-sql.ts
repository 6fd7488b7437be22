import type { LogLine } from '@runlet/contracts';

/** `Database` or a transaction. */
export interface SqlRunner {
  query(sql: string, params?: unknown[]): Promise<any[]>;
}

export interface PendingLine {
  executionId: string;
  line: LogLine;
}

// One statement for any number of lines and executions: six array parameters instead of
// 6×N placeholders, so the statement text (and its plan) never changes with the batch size.
const INSERT_SQL = `
  INSERT INTO execution_logs (execution_id, seq, ts, level, stream, message)
  SELECT * FROM unnest($1::text[], $2::int[], $3::timestamptz[], $4::text[], $5::text[], $6::text[])
  ON CONFLICT (execution_id, seq) DO NOTHING`;

const SELECT_SQL = `
  SELECT seq, ts, level, stream, message FROM execution_logs
  WHERE execution_id = $1 AND seq > $2
  ORDER BY seq
  LIMIT $3`;

/** Inserts the lines; a line whose (execution, seq) is already stored, or repeated in the batch, is skipped. */
export async function insertLines(db: SqlRunner, lines: PendingLine[]): Promise<void> {
  const ids: string[] = [];
  const seqs: number[] = [];
  const tss: string[] = [];
  const levels: string[] = [];
  const streams: string[] = [];
  const messages: string[] = [];
  // Deduplicated here as well, so no statement ever inserts the same key twice, whatever the engine's rules for that.
  const seen = new Set<string>();
  for (const { executionId, line } of lines) {
    const key = `${executionId}\u0000${line.seq}`;
    if (seen.has(key)) continue;
    seen.add(key);
    ids.push(executionId);
    seqs.push(line.seq);
    tss.push(line.ts);
    levels.push(line.level);
    streams.push(line.stream);
    messages.push(line.message);
  }
  if (ids.length === 0) return;
  await db.query(INSERT_SQL, [ids, seqs, tss, levels, streams, messages]);
}

export async function selectLines(
  db: SqlRunner,
  executionId: string,
  after: number,
  limit: number,
): Promise<LogLine[]> {
  const rows = await db.query(SELECT_SQL, [executionId, after, limit]);
  return rows.map((r: any) => ({
    // INT is INT8 on CockroachDB, which pg returns as a string.
    seq: Number(r.seq),
    ts: r.ts instanceof Date ? r.ts.toISOString() : new Date(r.ts).toISOString(),
    level: r.level,
    stream: r.stream,
    message: r.message,
  }));
}
