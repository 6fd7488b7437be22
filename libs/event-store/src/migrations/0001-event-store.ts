import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The event log. Ordering comes from `log_head`, a counter row every append updates, never
 * from a sequence, so the SQL is the same on PostgreSQL and CockroachDB.
 */
export class EventStore1764300000001 implements MigrationInterface {
  name = 'EventStore1764300000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE IF NOT EXISTS events (
        stream_id TEXT NOT NULL,
        stream_version INT NOT NULL,
        global_position BIGINT NOT NULL UNIQUE,
        event_id UUID NOT NULL UNIQUE,
        event_type TEXT NOT NULL,
        schema_version INT NOT NULL DEFAULT 1,
        data JSONB NOT NULL,
        metadata JSONB NOT NULL,
        recorded_at TIMESTAMPTZ NOT NULL DEFAULT now(),
        PRIMARY KEY (stream_id, stream_version)
      )`);
    await q.query(`CREATE INDEX IF NOT EXISTS events_type_position ON events (event_type, global_position)`);
    await q.query(`CREATE TABLE IF NOT EXISTS log_head (id INT PRIMARY KEY, position BIGINT NOT NULL)`);
    await q.query(`INSERT INTO log_head (id, position) VALUES (1, 0) ON CONFLICT (id) DO NOTHING`);
    await q.query(`
      CREATE TABLE IF NOT EXISTS subscriptions (
        name TEXT PRIMARY KEY,
        position BIGINT NOT NULL DEFAULT 0,
        lease_owner TEXT,
        lease_until TIMESTAMPTZ
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS subscriptions`);
    await q.query(`DROP TABLE IF EXISTS log_head`);
    await q.query(`DROP TABLE IF EXISTS events`);
  }
}
