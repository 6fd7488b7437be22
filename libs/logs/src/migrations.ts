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

/**
 * Search and retention: each line names its script (denormalized, so a script's lines are one
 * index range, newest first); a trigram index serves `q` (substring, case-insensitive); an index
 * on `ts` lets retention find expired lines in small batches. pg_trgm's GIN operator class is
 * what CockroachDB (22.2+) implements as its trigram inverted index, so the same statement builds
 * both; only PostgreSQL needs the extension created. Indexes are built CONCURRENTLY (outside a
 * transaction), so an installation with many stored lines keeps writing logs while they build.
 * Lines stored before this migration have no script id: they stay readable per execution, are not
 * found by a script search, and expire with retention.
 */
/** The search and retention indexes (also rebuilt by the log bench after its bulk insert). */
export const LOG_SEARCH_INDEXES: Record<string, string> = {
  execution_logs_script_ts: `execution_logs (script_id, ts, execution_id, seq)`,
  // script_id second, though retention needs only ts: so a script search with a time range can check the
  // script in this index too, and the planner (measured) no longer prefers it to execution_logs_script_ts.
  execution_logs_ts: `execution_logs (ts, script_id)`,
  execution_logs_message_trgm: `execution_logs USING GIN (message gin_trgm_ops)`,
};

export class ExecutionLogsSearchH12l1764300001201 implements MigrationInterface {
  name = 'ExecutionLogsSearchH12l1764300001201';
  transaction = false;

  async up(q: QueryRunner): Promise<void> {
    if (q.connection.options.type === 'postgres') await q.query(`CREATE EXTENSION IF NOT EXISTS pg_trgm`);
    await q.query(`ALTER TABLE execution_logs ADD COLUMN IF NOT EXISTS script_id TEXT`);
    for (const [name, on] of Object.entries(LOG_SEARCH_INDEXES)) {
      await q.query(`CREATE INDEX CONCURRENTLY IF NOT EXISTS ${name} ON ${on}`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    for (const name of Object.keys(LOG_SEARCH_INDEXES)) await q.query(`DROP INDEX IF EXISTS ${name}`);
    await q.query(`ALTER TABLE execution_logs DROP COLUMN IF EXISTS script_id`);
  }
}

/** The log store's migrations, passed to `Database` after the event store's own. */
export const logsMigrations: Function[] = [ExecutionLogs1764300000101, ExecutionLogsSearchH12l1764300001201];
