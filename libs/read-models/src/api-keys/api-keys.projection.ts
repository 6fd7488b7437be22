import { Queryable, StoredEvent, SubscriptionHandler } from '@runlet/event-store';
import { EventType, API_KEY_EVENT_TYPES } from '@runlet/domain';

/** rm_api_keys: what the auth guard looks keys up in (by hash). */
export class ApiKeysProjection implements SubscriptionHandler {
  readonly name = 'projection:api-keys';
  readonly eventTypes = API_KEY_EVENT_TYPES;

  async handle(events: StoredEvent[], tx: Queryable): Promise<void> {
    for (const e of events) {
      if (e.type === EventType.ApiKeyCreated) {
        await tx.query(
          `INSERT INTO rm_api_keys (id, name, key_hash, role, created_at) VALUES ($1, $2, $3, $4, $5)
           ON CONFLICT (id) DO NOTHING`,
          [e.data.keyId, e.data.name, e.data.keyHash, e.data.role, e.recordedAt],
        );
      } else {
        await tx.query(`UPDATE rm_api_keys SET revoked_at = $2 WHERE id = $1`, [e.data.keyId, e.recordedAt]);
      }
    }
  }

  async reset(tx: Queryable): Promise<void> {
    await tx.query(`DELETE FROM rm_api_keys`);
  }
}

export interface ApiKeyView {
  id: string;
  name: string;
  role: string;
  createdAt: string;
  revokedAt: string | null;
}

export class ApiKeysQuery {
  constructor(private readonly db: { query(sql: string, p?: unknown[]): Promise<any[]> }) {}

  async findActiveByHash(keyHash: string): Promise<ApiKeyView | null> {
    const [row] = await this.db.query(
      `SELECT * FROM rm_api_keys WHERE key_hash = $1 AND revoked_at IS NULL`,
      [keyHash],
    );
    return row ? toView(row) : null;
  }

  async list(): Promise<ApiKeyView[]> {
    return (await this.db.query(`SELECT * FROM rm_api_keys ORDER BY created_at`)).map(toView);
  }

  async count(): Promise<number> {
    const [row] = await this.db.query(`SELECT count(*) AS n FROM rm_api_keys`);
    return Number(row.n);
  }
}

function toView(row: any): ApiKeyView {
  return {
    id: row.id,
    name: row.name,
    role: row.role,
    createdAt: row.created_at.toISOString(),
    revokedAt: row.revoked_at ? row.revoked_at.toISOString() : null,
  };
}
