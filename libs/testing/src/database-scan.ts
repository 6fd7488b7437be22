import { Database } from '@runlet/event-store';

/**
 * Every text, varchar, json and jsonb column of every table of the public schema holding any of
 * `needles`, as `table.column` (for tests that prove a value is stored nowhere).
 */
export async function findInDatabase(db: Database, needles: readonly string[]): Promise<string[]> {
  const columns = await db.query(
    `SELECT table_name, column_name FROM information_schema.columns
     WHERE table_schema = 'public' AND data_type IN ('text', 'character varying', 'json', 'jsonb', 'character')`,
  );
  const hits: string[] = [];
  for (const { table_name: table, column_name: column } of columns) {
    const [row] = await db.query(
      `SELECT count(*) AS n FROM "${table}" WHERE ${needles.map((_, i) => `strpos("${column}"::text, $${i + 1}) > 0`).join(' OR ')}`,
      [...needles],
    );
    if (Number(row.n) > 0) hits.push(`${table}.${column}`);
  }
  return hits;
}

/** How many columns a scan looks in (so a test can tell the scan saw the tables). */
export async function scannedColumns(db: Database): Promise<number> {
  const [row] = await db.query(
    `SELECT count(*) AS n FROM information_schema.columns
     WHERE table_schema = 'public' AND data_type IN ('text', 'character varying', 'json', 'jsonb', 'character')`,
  );
  return Number(row.n);
}
