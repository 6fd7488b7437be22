import { Queryable, StoredEvent, SubscriptionHandler } from '@runlet/event-store';
import { EventType, SECRET_EVENT_TYPES } from '@runlet/domain';

/** rm_secrets: what `GET /secrets` lists; a deleted secret's row goes. */
export class SecretsProjection implements SubscriptionHandler {
  readonly name = 'projection:secrets';
  readonly eventTypes = SECRET_EVENT_TYPES;

  async handle(events: StoredEvent[], tx: Queryable): Promise<void> {
    for (const e of events) {
      if (e.type === EventType.SecretSet) {
        await tx.query(
          `INSERT INTO rm_secrets (name, version, updated_at, updated_by) VALUES ($1, $2, $3, $4)
           ON CONFLICT (name) DO UPDATE SET version = excluded.version, updated_at = excluded.updated_at,
             updated_by = excluded.updated_by
           WHERE rm_secrets.version < excluded.version`,
          [e.data.name, e.data.version, e.recordedAt, e.metadata?.actor ?? null],
        );
      } else {
        await tx.query(`DELETE FROM rm_secrets WHERE name = $1 AND version < $2`, [
          e.data.name,
          e.data.version,
        ]);
      }
    }
  }

  async reset(tx: Queryable): Promise<void> {
    await tx.query(`DELETE FROM rm_secrets`);
  }
}
