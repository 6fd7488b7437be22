import type { SqlRunner } from '../log-sql';

// The oldest lines first, found through execution_logs_ts and deleted by primary key: one short
// statement per batch, whose locks are a batch's rows only. The same text works on PostgreSQL
// (no DELETE … LIMIT) and CockroachDB; a batch another process deleted meanwhile deletes nothing.
const DELETE_SQL = `
  WITH deleted AS (
    DELETE FROM execution_logs
    WHERE (execution_id, seq) IN (
      SELECT execution_id, seq FROM execution_logs WHERE ts < $1::timestamptz ORDER BY ts LIMIT $2
    )
    RETURNING 1
  )
  SELECT count(*) AS n FROM deleted`;

/** Deletes at most `limit` lines older than `before`; how many it deleted. */
export async function deleteExpiredLines(db: SqlRunner, before: Date, limit: number): Promise<number> {
  const [row] = await db.query(DELETE_SQL, [before.toISOString(), limit]);
  return Number(row.n);
}
