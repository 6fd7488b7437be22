import { MigrationInterface, QueryRunner } from 'typeorm';

/** The encrypted values of builtin secrets (not a read model: the events never hold the values). */
export class SecretValuesH12s1764300001201 implements MigrationInterface {
  name = 'SecretValuesH12s1764300001201';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE IF NOT EXISTS secret_values (
        name TEXT PRIMARY KEY,
        version INT NOT NULL,
        ciphertext BYTEA NOT NULL,
        updated_at TIMESTAMPTZ NOT NULL
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS secret_values`);
  }
}

export const secretsMigrations: Function[] = [SecretValuesH12s1764300001201];
