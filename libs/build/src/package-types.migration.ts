import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * One row per lockfile: the type declarations its install contains (gzipped JSON), written by the
 * builder and served to the console's editor. Content-addressed like the install store, so builds
 * with the same dependencies share a row; a row goes when its store entry is collected.
 */
export class PackageTypesH14_1764300001401 implements MigrationInterface {
  name = 'PackageTypesH14_1764300001401';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE IF NOT EXISTS package_types (
        lockfile_hash TEXT PRIMARY KEY,
        content BYTEA NOT NULL,
        bytes INT NOT NULL,
        created_at TIMESTAMPTZ NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS package_types`);
  }
}

/** The build library's tables, passed to `Database` after the event store's own. */
export const buildMigrations: Function[] = [PackageTypesH14_1764300001401];
