import { MigrationInterface, QueryRunner } from 'typeorm';

export class Triggers1764300000401 implements MigrationInterface {
  name = 'Triggers1764300000401';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE IF NOT EXISTS rm_triggers (
        id TEXT PRIMARY KEY,
        script_id TEXT NOT NULL,
        type TEXT NOT NULL,
        schedule TEXT,
        timezone TEXT,
        input JSONB,
        overlap TEXT NOT NULL,
        catch_up TEXT NOT NULL,
        auth TEXT NOT NULL,
        mode TEXT NOT NULL,
        notify_url TEXT,
        secret_hash TEXT,
        secret_box TEXT,
        previous_secret_hash TEXT,
        previous_secret_box TEXT,
        grace_until TIMESTAMPTZ,
        paused BOOLEAN NOT NULL DEFAULT false,
        deleted BOOLEAN NOT NULL DEFAULT false,
        last_scheduled_at TIMESTAMPTZ,
        last_fired_at TIMESTAMPTZ,
        fire_count INT NOT NULL DEFAULT 0,
        created_at TIMESTAMPTZ NOT NULL,
        updated_at TIMESTAMPTZ NOT NULL
      )`);
    await q.query(`CREATE INDEX IF NOT EXISTS rm_triggers_script ON rm_triggers (script_id, created_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS rm_triggers`);
  }
}
