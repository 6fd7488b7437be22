import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * One row per log line. The primary key makes a replayed write (a retried execution attempt,
 * a retried batch) a no-op via ON CONFLICT DO NOTHING, and serves `read` in seq order.
 */
export class ExecutionLogs1764300000101 implements MigrationInterface {
  name = 'ExecutionLogs1764300000101';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE IF NOT EXISTS execution_logs (
        execution_id TEXT NOT NULL,
        seq INT NOT NULL,
        ts TIMESTAMPTZ NOT NULL,
        level TEXT NOT NULL,
        stream TEXT NOT NULL,
        message TEXT NOT NULL,
        PRIMARY KEY (execution_id, seq)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS execution_logs`);
  }
}

/** The log store's migrations, passed to `Database` after the event store's own. */
export const logsMigrations: Function[] = [ExecutionLogs1764300000101];
