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

  /** Retired secrets' boxes go, so a retired secret cannot be recovered; none given: all the trigger's. */
  async remove(triggerId: string, secretIds?: string[]): Promise<void> {
    if (secretIds === undefined) {
      await this.db.query(`DELETE FROM trigger_secret_vault WHERE trigger_id = $1`, [triggerId]);
    } else if (secretIds.length) {
      await this.db.query(
        `DELETE FROM trigger_secret_vault WHERE trigger_id = $1 AND secret_id = ANY($2::text[])`,
        [triggerId, secretIds],
      );
    }
  }
}
