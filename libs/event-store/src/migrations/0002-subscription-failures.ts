import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A subscription that cannot apply an event records it on its row, so every process (health,
 * requests waiting for read models) can name it: where it is stuck, on what, and why.
 */
export class SubscriptionFailures1764300000801 implements MigrationInterface {
  name = 'SubscriptionFailures1764300000801';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE subscriptions ADD COLUMN IF NOT EXISTS failures INT NOT NULL DEFAULT 0`);
    await q.query(`ALTER TABLE subscriptions ADD COLUMN IF NOT EXISTS failed_position BIGINT`);
    await q.query(`ALTER TABLE subscriptions ADD COLUMN IF NOT EXISTS failed_event_type TEXT`);
    await q.query(`ALTER TABLE subscriptions ADD COLUMN IF NOT EXISTS last_error TEXT`);
    await q.query(`ALTER TABLE subscriptions ADD COLUMN IF NOT EXISTS failing_since TIMESTAMPTZ`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const column of [
      'failing_since',
      'last_error',
      'failed_event_type',
      'failed_position',
      'failures',
    ]) {
      await q.query(`ALTER TABLE subscriptions DROP COLUMN IF EXISTS ${column}`);
    }
  }
}
