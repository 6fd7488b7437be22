import type { Queryable } from '@runlet/event-store';

/** Removes every stored log line of these executions (execution retention); returns how many. */
export async function deleteExecutionLogs(db: Queryable, executionIds: string[]): Promise<number> {
  if (!executionIds.length) return 0;
  // A SELECT over the DELETE: TypeORM answers a bare DELETE … RETURNING as [rows, count].
  const [{ n }] = await db.query(
    `WITH gone AS (DELETE FROM execution_logs WHERE execution_id = ANY($1) RETURNING 1) SELECT count(*)::int AS n FROM gone`,
    [executionIds],
  );
  return n;
}
