import { MigrationInterface, QueryRunner } from 'typeorm';

/** rm_builds: one row per build, fed by the builds projection (rm_scripts.build_* already exist). */
export class BuildsReadModel1764300000251 implements MigrationInterface {
  name = 'BuildsReadModel1764300000251';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE IF NOT EXISTS rm_builds (
        id TEXT PRIMARY KEY,
        script_id TEXT NOT NULL,
        version INT NOT NULL,
        status TEXT NOT NULL,
        upgrade BOOLEAN NOT NULL DEFAULT false,
        attempt INT NOT NULL DEFAULT 0,
        cache_hit BOOLEAN,
        resolved_dependencies JSONB,
        lockfile_hash TEXT,
        changes JSONB,
        error TEXT,
        error_location JSONB,
        duration_ms INT,
        requested_at TIMESTAMPTZ NOT NULL,
        started_at TIMESTAMPTZ,
        finished_at TIMESTAMPTZ
      )`);
    await q.query(
      `CREATE INDEX IF NOT EXISTS rm_builds_script ON rm_builds (script_id, version DESC, requested_at DESC)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS rm_builds`);
  }
}
