import { MigrationInterface, QueryRunner } from 'typeorm';

/** rm_secrets: the builtin secrets' names and versions (never their values). */
export class SecretsReadModelH12s1764300001202 implements MigrationInterface {
  name = 'SecretsReadModelH12s1764300001202';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE IF NOT EXISTS rm_secrets (
        name TEXT PRIMARY KEY,
        version INT NOT NULL,
        updated_at TIMESTAMPTZ NOT NULL,
        updated_by TEXT
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS rm_secrets`);
  }
}
