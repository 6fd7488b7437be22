import { decryptSecret, encryptSecret } from './secret-cipher';

/** `Database` or a transaction. */
export interface SqlRunner {
  query(sql: string, params?: unknown[]): Promise<any[]>;
}

/** What AES-GCM authenticates with a value: it belongs to this name at this version. */
const contextOf = (name: string, version: number) => `runlet-secret:${name}:${version}`;

/**
 * The encrypted values of builtin secrets, one row per name holding its latest version (older
 * ciphertexts are overwritten, a delete removes the row). The secret's stream says which version
 * is current; a row counts only while its version is the stream's last (see BuiltinSecrets).
 */
export class SecretValues {
  constructor(
    private readonly db: SqlRunner,
    private readonly key: Buffer,
  ) {}

  /** Stores `value` as `version` of `name` unless a later version is stored already. */
  async put(name: string, version: number, value: string): Promise<void> {
    await this.db.query(
      `INSERT INTO secret_values (name, version, ciphertext, updated_at) VALUES ($1, $2, $3, now())
       ON CONFLICT (name) DO UPDATE SET version = excluded.version, ciphertext = excluded.ciphertext,
         updated_at = excluded.updated_at
       WHERE secret_values.version < excluded.version`,
      [name, version, encryptSecret(this.key, value, contextOf(name, version))],
    );
  }

  /** Removes the value of `name` if it is older than `version` (the delete's). */
  async remove(name: string, version: number): Promise<void> {
    await this.db.query(`DELETE FROM secret_values WHERE name = $1 AND version < $2`, [name, version]);
  }

  /** The stored versions and decrypted values of some names. */
  async read(names: readonly string[]): Promise<Map<string, { version: number; value: string }>> {
    if (names.length === 0) return new Map();
    const rows = await this.db.query(
      `SELECT name, version, ciphertext FROM secret_values WHERE name = ANY($1::text[])`,
      [names],
    );
    const values = new Map<string, { version: number; value: string }>();
    for (const row of rows) {
      const version = Number(row.version);
      try {
        values.set(row.name, {
          version,
          value: decryptSecret(this.key, row.ciphertext, contextOf(row.name, version)),
        });
      } catch {
        throw new Error(
          `builtin secret ${row.name} cannot be decrypted: it was stored under another master key (RUNLET_MASTER_KEY)`,
        );
      }
    }
    return values;
  }
}
