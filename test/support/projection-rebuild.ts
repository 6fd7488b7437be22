import { Client } from 'pg';
import {
  CompositeHandler,
  Database,
  EventStore,
  SubscriptionHandler,
  SubscriptionRunner,
} from '@runlet/event-store';
import { READ_MODELS_SUBSCRIPTION } from '@runlet/read-models';
import { platformMigrations } from '@runlet/platform';
import { recreateTestDatabase, PG_ADMIN_URL, testDatabaseName } from './database';

/** Read-model rows that differ between the live database and the rebuild, per table. */
export interface ReadModelDiff {
  table: string;
  liveRows: number;
  rebuiltRows: number;
  onlyLive: string[];
  onlyRebuilt: string[];
}

const EVENT_PAGE = 200;

/**
 * Replays the live event log from position 0 into a fresh database with the same projection
 * code, and compares every `rm_*` table row by row with the live one. Live rows, their checkpoint
 * and the events up to it are read in one snapshot (a projection commits its rows with its
 * checkpoint), so the platform may keep working meanwhile.
 */
export async function diffWithRebuild(
  liveUrl: string,
  handlers: SubscriptionHandler[],
  name: string,
): Promise<{ position: number; diffs: ReadModelDiff[]; blockedBy?: string }> {
  const live = new Client({ connectionString: liveUrl });
  await live.connect();
  const rebuiltUrl = await recreateTestDatabase(name);
  const rebuilt = new Database({ url: rebuiltUrl, migrations: platformMigrations, poolSize: 4 });
  try {
    await live.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const [{ position }] = (
      await live.query(`SELECT position::int AS position FROM subscriptions WHERE name = $1`, [
        READ_MODELS_SUBSCRIPTION,
      ])
    ).rows;
    await rebuilt.migrate();
    await copyEvents(live, rebuilt, position);
    await rebuilt.query(`UPDATE log_head SET position = $1 WHERE id = 1`, [position]);
    const composite = new CompositeHandler(READ_MODELS_SUBSCRIPTION, handlers);
    const runner = new SubscriptionRunner(rebuilt, new EventStore(rebuilt), composite);
    await runner.drain();
    await runner.stop();

    const tables = (
      await live.query(
        `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_name LIKE 'rm\\_%' ORDER BY 1`,
      )
    ).rows.map((r) => r.table_name as string);
    const diffs: ReadModelDiff[] = [];
    for (const table of tables) {
      const liveHashes = await rowHashes((sql, p) => live.query(sql, p).then((r) => r.rows), table);
      const rebuiltHashes = await rowHashes((sql, p) => rebuilt.query(sql, p), table);
      const onlyLive = multisetMinus(liveHashes, rebuiltHashes);
      const onlyRebuilt = multisetMinus(rebuiltHashes, liveHashes);
      if (!onlyLive.length && !onlyRebuilt.length) continue;
      diffs.push({
        table,
        liveRows: liveHashes.length,
        rebuiltRows: rebuiltHashes.length,
        onlyLive: await rowsByHash((sql, p) => live.query(sql, p).then((r) => r.rows), table, onlyLive),
        onlyRebuilt: await rowsByHash((sql, p) => rebuilt.query(sql, p), table, onlyRebuilt),
      });
    }
    const blockedBy = await firstUnprojectable(live, rebuilt, composite, position);
    await live.query('COMMIT');
    return { position, diffs, blockedBy };
  } finally {
    await live.end();
    await rebuilt.close();
    await dropDatabase(name);
  }
}

/** Events up to `position`, page by page, into the rebuild's event table as they are (JSON is lossless here). */
async function copyEvents(live: Client, rebuilt: Database, position: number, from = 0): Promise<void> {
  for (let after = from; after < position;) {
    const { rows } = await live.query(
      `SELECT COALESCE(jsonb_agg(to_jsonb(e) ORDER BY e.global_position), '[]'::jsonb)::text AS page,
              max(e.global_position)::int AS last
       FROM (SELECT * FROM events WHERE global_position > $1 AND global_position <= $2
             ORDER BY global_position LIMIT $3) e`,
      [after, position, EVENT_PAGE],
    );
    if (rows[0].last === null) break;
    await rebuilt.query(
      `INSERT INTO events SELECT * FROM jsonb_populate_recordset(NULL::events, $1::jsonb)`,
      [rows[0].page],
    );
    after = rows[0].last;
  }
}

/**
 * When the live read models stopped short of the head: the first later event the projections
 * fail on (applied one by one to the rebuild, which is thrown away), as `<type> at <position>: <error>`.
 */
async function firstUnprojectable(
  live: Client,
  rebuilt: Database,
  handler: SubscriptionHandler,
  after: number,
): Promise<string | undefined> {
  const [{ head }] = (await live.query(`SELECT max(global_position)::int AS head FROM events`)).rows;
  if (!head || head <= after) return undefined;
  await copyEvents(live, rebuilt, head, after);
  const store = new EventStore(rebuilt);
  for (let from = after; from < head;) {
    const events = await store.readAll({ after: from, limit: EVENT_PAGE });
    if (!events.length) break;
    for (const e of events) {
      if (handler.eventTypes && !handler.eventTypes.includes(e.type)) continue;
      try {
        await rebuilt.transaction((tx) => handler.handle([e], tx));
      } catch (err) {
        return `${e.type} at ${e.position} (${e.streamId}): ${(err as Error).message}`;
      }
    }
    from = events[events.length - 1].position;
  }
  return undefined;
}

type Query = (sql: string, params?: unknown[]) => Promise<any[]>;

async function rowHashes(query: Query, table: string): Promise<string[]> {
  const rows = await query(`SELECT md5(to_jsonb(t)::text) AS h FROM ${table} t`);
  return rows.map((r) => r.h as string).sort();
}

async function rowsByHash(query: Query, table: string, hashes: string[]): Promise<string[]> {
  if (!hashes.length) return [];
  const rows = await query(
    `SELECT left(to_jsonb(t)::text, 600) AS row FROM ${table} t WHERE md5(to_jsonb(t)::text) = ANY($1) LIMIT 5`,
    [hashes],
  );
  return rows.map((r) => r.row as string);
}

/** Elements of sorted `a` not matched one for one in sorted `b`. */
function multisetMinus(a: string[], b: string[]): string[] {
  const out: string[] = [];
  let j = 0;
  for (const x of a) {
    while (j < b.length && b[j] < x) j++;
    if (j < b.length && b[j] === x) j++;
    else out.push(x);
  }
  return out;
}

async function dropDatabase(name: string): Promise<void> {
  const admin = new Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${testDatabaseName(name)} WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}
