import { Client } from 'pg';
import { Database } from '@runlet/event-store';

export const PG_ADMIN_URL = process.env.TEST_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
/** Test databases are `<prefix>_<name>_test`: separate prefixes let test runs share one server. */
const PREFIX = process.env.RUNLET_TEST_DB_PREFIX ?? 'runlet';
/** DATABASE_TYPE=cockroachdb runs the suites against CockroachDB at TEST_PG_ADMIN_URL (the CI workflow does). */
const TYPE = process.env.DATABASE_TYPE === 'cockroachdb' ? 'cockroachdb' : 'postgres';

/** Name of the test database for `name`. */
export function testDatabaseName(name: string): string {
  return `${PREFIX}_${name}_test`;
}

/** URL of the test database for `name` on the local server. */
export function testDatabaseUrl(name: string): string {
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${testDatabaseName(name)}`;
  return url.toString();
}

/** Drops and recreates the test database for `name`; returns its URL. */
export async function recreateTestDatabase(name: string): Promise<string> {
  const admin = new Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  try {
    await admin.query(
      TYPE === 'cockroachdb'
        ? `DROP DATABASE IF EXISTS ${testDatabaseName(name)} CASCADE`
        : `DROP DATABASE IF EXISTS ${testDatabaseName(name)} WITH (FORCE)`,
    );
    await admin.query(`CREATE DATABASE ${testDatabaseName(name)}`);
  } finally {
    await admin.end();
  }
  return testDatabaseUrl(name);
}

/** A fresh, migrated database for one test file. */
export async function freshDatabase(name: string, migrations: Function[] = []): Promise<Database> {
  const url = await recreateTestDatabase(name);
  const db = new Database({ url, migrations, type: TYPE });
  await db.migrate();
  return db;
}
