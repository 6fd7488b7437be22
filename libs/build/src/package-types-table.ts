import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';
import type { Database } from '@runlet/event-store';
import type { PackageTypes } from './package-types';

const zip = promisify(gzip);
const unzip = promisify(gunzip);

/** `package_types`: each lockfile's declarations, stored gzipped (a byte string, so any text survives). */
export class PackageTypesTable {
  constructor(private readonly db: Database) {}

  async has(lockfileHash: string): Promise<boolean> {
    const rows = await this.db.query(`SELECT 1 FROM package_types WHERE lockfile_hash = $1`, [lockfileHash]);
    return rows.length > 0;
  }

  /** Idempotent: a row that exists (same lockfile, so the same contents) is kept. */
  async save(lockfileHash: string, types: PackageTypes): Promise<void> {
    const content = await zip(Buffer.from(JSON.stringify(types)));
    await this.db.query(
      `INSERT INTO package_types (lockfile_hash, content, bytes) VALUES ($1, $2, $3)
        ON CONFLICT (lockfile_hash) DO NOTHING`,
      [lockfileHash, content, types.bytes],
    );
  }

  async load(lockfileHash: string): Promise<PackageTypes | null> {
    const [row] = await this.db.query<{ content: Buffer }>(
      `SELECT content FROM package_types WHERE lockfile_hash = $1`,
      [lockfileHash],
    );
    return row ? (JSON.parse((await unzip(row.content)).toString('utf8')) as PackageTypes) : null;
  }

  async remove(lockfileHashes: string[]): Promise<void> {
    if (lockfileHashes.length)
      await this.db.query(`DELETE FROM package_types WHERE lockfile_hash = ANY($1)`, [lockfileHashes]);
  }
}
