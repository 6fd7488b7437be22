import { MigrationInterface, QueryRunner } from 'typeorm';

/** Finds the executions that ended before the retention cutoff without a scan of the whole log. */
export class ExecutionRetentionIndexH17_1764300000901 implements MigrationInterface {
  name = 'ExecutionRetentionIndexH17_1764300000901';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX IF NOT EXISTS events_type_recorded_at ON events (event_type, recorded_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS events_type_recorded_at`);
  }
}
