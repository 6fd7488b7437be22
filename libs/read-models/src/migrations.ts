import { SecretsReadModelH12s1764300001202 } from './secrets/secrets.migration';
import { Triggers1764300000401 } from './triggers/triggers.migration';
import { TriggerSecretsH13_1764300000801 } from './triggers/trigger-secrets.migration';
import { Executions1764300000301 } from './executions/executions.migration';
import { MigrationInterface, QueryRunner } from 'typeorm';
import { BuildsReadModel1764300000251 } from './builds/builds.migration';

/** Read-model tables. They can always be dropped and rebuilt from the event log. */
export class ReadModels1764300000201 implements MigrationInterface {
  name = 'ReadModels1764300000201';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE IF NOT EXISTS rm_scripts (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        latest_version INT NOT NULL,
        deployed_version INT,
        archived BOOLEAN NOT NULL DEFAULT false,
        build_status TEXT,
        build_version INT,
        build_error TEXT,
        created_at TIMESTAMPTZ NOT NULL,
        updated_at TIMESTAMPTZ NOT NULL
      )`);
    await q.query(`CREATE INDEX IF NOT EXISTS rm_scripts_created ON rm_scripts (created_at DESC, id DESC)`);
    await q.query(`
      CREATE TABLE IF NOT EXISTS rm_script_versions (
        script_id TEXT NOT NULL,
        version INT NOT NULL,
        code TEXT NOT NULL,
        language TEXT NOT NULL,
        dependencies JSONB NOT NULL,
        secrets JSONB NOT NULL,
        timeout_ms INT NOT NULL,
        memory_mb INT NOT NULL,
        network TEXT NOT NULL,
        reason TEXT,
        actor TEXT,
        created_at TIMESTAMPTZ NOT NULL,
        PRIMARY KEY (script_id, version)
      )`);
    await q.query(`
      CREATE TABLE IF NOT EXISTS rm_api_keys (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        key_hash TEXT NOT NULL UNIQUE,
        role TEXT NOT NULL,
        created_at TIMESTAMPTZ NOT NULL,
        revoked_at TIMESTAMPTZ
      )`);
    // The script history view also lists build, trigger and execution events of the script.
    await q.query(
      `CREATE INDEX IF NOT EXISTS events_script_id ON events ((data->>'scriptId'), global_position)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS events_script_id`);
    await q.query(`DROP TABLE IF EXISTS rm_api_keys`);
    await q.query(`DROP TABLE IF EXISTS rm_script_versions`);
    await q.query(`DROP TABLE IF EXISTS rm_scripts`);
  }
}

/** Scripts gained a retry policy. */
export class ScriptMaxAttempts1764300000501 implements MigrationInterface {
  name = 'ScriptMaxAttempts1764300000501';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE rm_script_versions ADD COLUMN IF NOT EXISTS max_attempts INT NOT NULL DEFAULT 1`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE rm_script_versions DROP COLUMN IF EXISTS max_attempts`);
  }
}

/** Script versions gained a failure notification URL. */
export class ScriptNotifyUrl1764300000601 implements MigrationInterface {
  name = 'ScriptNotifyUrl1764300000601';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE rm_script_versions ADD COLUMN IF NOT EXISTS notify_url TEXT`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE rm_script_versions DROP COLUMN IF EXISTS notify_url`);
  }
}

/** Finding executions that wait for a run (StrandedExecutions) without scanning all of them. */
export class ExecutionsWaiting1764300000701 implements MigrationInterface {
  name = 'ExecutionsWaiting1764300000701';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE INDEX IF NOT EXISTS rm_executions_waiting ON rm_executions (queued_at) WHERE status = 'queued'`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS rm_executions_waiting`);
  }
}

/**
 * The executions list filtered by status or trigger type, newest first, without scanning the
 * executions of other statuses or types (a rare status among 100,000 would otherwise scan them all).
 */
export class ExecutionListFilters1764300001451 implements MigrationInterface {
  name = 'ExecutionListFilters1764300001451';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE INDEX IF NOT EXISTS rm_executions_status_queued ON rm_executions (status, queued_at DESC, id DESC)`,
    );
    await q.query(
      `CREATE INDEX IF NOT EXISTS rm_executions_trigger_type_queued ON rm_executions (trigger_type, queued_at DESC, id DESC)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS rm_executions_trigger_type_queued`);
    await q.query(`DROP INDEX IF EXISTS rm_executions_status_queued`);
  }
}

export const readModelMigrations: Function[] = [
  ReadModels1764300000201,
  BuildsReadModel1764300000251,
  Executions1764300000301,
  Triggers1764300000401,
  ScriptMaxAttempts1764300000501,
  ScriptNotifyUrl1764300000601,
  ExecutionsWaiting1764300000701,
  TriggerSecretsH13_1764300000801,
  SecretsReadModelH12s1764300001202,
  ExecutionListFilters1764300001451,
];
