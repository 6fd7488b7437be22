import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Webhook presets: a trigger's scheme options, and its secrets by id. `rm_trigger_secrets` is a
 * read model (which secret ids a trigger accepts, until when); `trigger_secret_vault` is not: it
 * holds the encrypted secrets themselves, written by the API before the event naming the id, and
 * cannot be rebuilt from the log (events never carry secrets). Secrets recorded in events before
 * they had ids are copied in as `legacy` / `legacy-previous`.
 */
export class TriggerSecretsH13_1764300000801 implements MigrationInterface {
  name = 'TriggerSecretsH13_1764300000801';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE rm_triggers ADD COLUMN IF NOT EXISTS tolerance_seconds INT`);
    await q.query(`ALTER TABLE rm_triggers ADD COLUMN IF NOT EXISTS hmac JSONB`);
    await q.query(`ALTER TABLE rm_triggers ADD COLUMN IF NOT EXISTS public_key TEXT`);
    await q.query(`
      CREATE TABLE IF NOT EXISTS rm_trigger_secrets (
        trigger_id TEXT NOT NULL,
        secret_id TEXT NOT NULL,
        created_at TIMESTAMPTZ NOT NULL,
        expires_at TIMESTAMPTZ,
        legacy_hash TEXT,
        legacy_box TEXT,
        PRIMARY KEY (trigger_id, secret_id)
      )`);
    await q.query(`
      INSERT INTO rm_trigger_secrets (trigger_id, secret_id, created_at, legacy_hash, legacy_box)
      SELECT id, 'legacy', updated_at, secret_hash, secret_box FROM rm_triggers
       WHERE secret_hash IS NOT NULL OR secret_box IS NOT NULL
      ON CONFLICT DO NOTHING`);
    await q.query(`
      INSERT INTO rm_trigger_secrets (trigger_id, secret_id, created_at, expires_at, legacy_hash, legacy_box)
      SELECT id, 'legacy-previous', updated_at, grace_until, previous_secret_hash, previous_secret_box FROM rm_triggers
       WHERE previous_secret_hash IS NOT NULL OR previous_secret_box IS NOT NULL
      ON CONFLICT DO NOTHING`);
    await q.query(`
      CREATE TABLE IF NOT EXISTS trigger_secret_vault (
        trigger_id TEXT NOT NULL,
        secret_id TEXT NOT NULL,
        box TEXT NOT NULL,
        created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
        PRIMARY KEY (trigger_id, secret_id)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS trigger_secret_vault`);
    await q.query(`DROP TABLE IF EXISTS rm_trigger_secrets`);
    await q.query(`ALTER TABLE rm_triggers DROP COLUMN IF EXISTS public_key`);
    await q.query(`ALTER TABLE rm_triggers DROP COLUMN IF EXISTS hmac`);
    await q.query(`ALTER TABLE rm_triggers DROP COLUMN IF EXISTS tolerance_seconds`);
  }
}
