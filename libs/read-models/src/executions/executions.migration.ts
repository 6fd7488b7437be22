import { MigrationInterface, QueryRunner } from 'typeorm';

export class Executions1764300000301 implements MigrationInterface {
  name = 'Executions1764300000301';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE IF NOT EXISTS rm_executions (
        id TEXT PRIMARY KEY,
        script_id TEXT,
        version INT NOT NULL,
        trigger_type TEXT NOT NULL,
        trigger_id TEXT,
        scheduled_at TIMESTAMPTZ,
        status TEXT NOT NULL,
        input JSONB,
        result JSONB,
        error JSONB,
        attempt INT NOT NULL DEFAULT 0,
        queued_at TIMESTAMPTZ NOT NULL,
        started_at TIMESTAMPTZ,
        finished_at TIMESTAMPTZ,
        duration_ms INT,
        replay_of TEXT
      )`);
    await q.query(
      `CREATE INDEX IF NOT EXISTS rm_executions_queued ON rm_executions (queued_at DESC, id DESC)`,
    );
    await q.query(
      `CREATE INDEX IF NOT EXISTS rm_executions_script ON rm_executions (script_id, queued_at DESC)`,
    );
    await q.query(
      `CREATE INDEX IF NOT EXISTS rm_executions_trigger ON rm_executions (trigger_id, queued_at DESC)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS rm_executions`);
  }
}
