import { MigrationInterface, QueryRunner } from 'typeorm';

/** The audit view follows one request's events (`GET /api/v1/events?correlationId=`) without a scan. */
export class H14CorrelationIndex1764300000901 implements MigrationInterface {
  name = 'H14CorrelationIndex1764300000901';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE INDEX IF NOT EXISTS events_correlation ON events ((metadata->>'correlationId'), global_position)`,
    );
    await q.query(`CREATE INDEX IF NOT EXISTS events_recorded_at ON events (recorded_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS events_recorded_at`);
    await q.query(`DROP INDEX IF EXISTS events_correlation`);
  }
}
