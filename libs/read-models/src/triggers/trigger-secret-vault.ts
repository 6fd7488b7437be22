import { Database } from '@runlet/event-store';

/**
 * Where webhook secrets live, encrypted by the API (its secret box): an event names a secret by
 * id only. Written before the event, so a failed append leaves at most an unreferenced box.
 */
export class TriggerSecretVault {
  constructor(private readonly db: Database) {}

  async put(triggerId: string, secretId: string, box: string): Promise<void> {
    await this.db.query(`INSERT INTO trigger_secret_vault (trigger_id, secret_id, box) VALUES ($1, $2, $3)`, [
      triggerId,
      secretId,
      box,
    ]);
  }
}
