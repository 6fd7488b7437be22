import { randomUUID } from 'node:crypto';
import type { LogLevel, LogLine } from '@runlet/contracts';
import type { Database } from '@runlet/event-store';
import { freshDatabase, REDIS_URL } from '@runlet/testing';
import { InvalidLogSearch, LogStore, logsMigrations, parseLogSearch } from '..';

const levels: LogLevel[] = ['debug', 'info', 'warn', 'error'];
const T0 = Date.UTC(2025, 0, 1);
const line = (seq: number, message: string, at = T0 + seq * 1000): LogLine => ({
  seq,
  ts: new Date(at).toISOString(),
  level: levels[seq % 4],
  stream: 'stdout',
  message,
});

describe('log search (real PostgreSQL)', () => {
  let db: Database;
  let store: LogStore;
  const script = randomUUID();
  const other = randomUUID();
  const runs = [randomUUID(), randomUUID()];

  beforeAll(async () => {
    db = await freshDatabase('logs_search', logsMigrations);
    store = new LogStore(db, REDIS_URL);
    // Two executions of the script, interleaved in time, and one of another script.
    for (let seq = 0; seq < 40; seq++) {
      store.write(
        runs[0],
        line(seq, seq % 10 === 3 ? `Payment TIMEOUT after ${seq}s` : `ok 100%_${seq}`, T0 + seq * 2000),
        script,
      );
      store.write(runs[1], line(seq, `worker ${seq} timeout? no`, T0 + seq * 2000 + 1000), script);
    }
    const foreign = randomUUID();
    store.write(foreign, line(0, 'Payment timeout elsewhere'), other);
    await store.flush();
  });
  afterAll(async () => {
    await store.close();
    await db.close();
  });

  it('searches one execution by text (case-insensitive) and level, paging by seq', async () => {
    const page = await store.read(runs[0], { filter: parseLogSearch({ q: 'payment timeout' }) });
    expect(page.items.map((l) => l.seq)).toEqual([3, 13, 23, 33]);
    const errors = await store.read(runs[0], {
      filter: parseLogSearch({ q: 'timeout', level: 'warn,error' }),
    });
    expect(errors.items.map((l) => [l.seq, l.level])).toEqual([
      [3, 'error'],
      [23, 'error'],
    ]);
    const first = await store.read(runs[0], { limit: 2, filter: parseLogSearch({ q: 'TimeOut' }) });
    expect(first).toEqual({
      items: [expect.objectContaining({ seq: 3 }), expect.objectContaining({ seq: 13 })],
      nextCursor: '13',
    });
    const next = await store.read(runs[0], { after: 13, limit: 2, filter: parseLogSearch({ q: 'TimeOut' }) });
    expect(next.items.map((l) => l.seq)).toEqual([23, 33]);
  });

  it('takes % and _ in q literally, and short terms too', async () => {
    const page = await store.read(runs[0], { filter: parseLogSearch({ q: '100%_1' }) });
    expect(page.items.map((l) => l.message)).toEqual([
      'ok 100%_1',
      ...[10, 11, 12, 14, 15, 16, 17, 18, 19].map((n) => `ok 100%_${n}`),
    ]);
    expect((await store.read(runs[1], { filter: parseLogSearch({ q: '? ' }) })).items).toHaveLength(40);
  });

  it('searches a script across its executions, newest first, in a time range, paged', async () => {
    const filter = parseLogSearch({
      q: 'timeout',
      from: new Date(T0 + 20_000).toISOString(),
      to: new Date(T0 + 30_000).toISOString(),
    });
    const all = await store.searchScript(script, { filter });
    // [20 s, 30 s): run 0 at even seconds 20..28 (seq 10..14) has one timeout line (13); run 1 at 21..29 s all do.
    expect(all.items.map((l) => [l.executionId === runs[0] ? 0 : 1, l.seq])).toEqual([
      [1, 14],
      [1, 13],
      [0, 13],
      [1, 12],
      [1, 11],
      [1, 10],
    ]);
    expect(all.nextCursor).toBeNull();

    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await store.searchScript(script, {
        filter: parseLogSearch({ q: 'timeout' }),
        limit: 7,
        cursor,
      });
      expect(page.items.length).toBeLessThanOrEqual(7);
      seen.push(...page.items.map((l) => `${l.executionId}:${l.seq}`));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toHaveLength(44); // 4 of run 0, 40 of run 1, none of the other script
    expect(new Set(seen).size).toBe(44);
    const first = (await store.searchScript(script, { limit: 1 })).items[0];
    expect(first).toEqual({
      ...line(39, 'worker 39 timeout? no', T0 + 39 * 2000 + 1000),
      executionId: runs[1],
    });
  });

  it('filters a script by level only, and refuses a cursor it did not hand out', async () => {
    const page = await store.searchScript(script, { filter: parseLogSearch({ level: 'debug' }) });
    expect(page.items).toHaveLength(20);
    expect(page.items.every((l) => l.level === 'debug')).toBe(true);
    await expect(store.searchScript(script, { cursor: 'bm9wZQ' })).rejects.toThrow(InvalidLogSearch);
  });

  it('uses the trigram index for a text search over many lines', async () => {
    const plan = await db.query(
      `EXPLAIN SELECT seq FROM execution_logs WHERE script_id = $1 AND message ILIKE '%payment timeout%' ORDER BY ts DESC LIMIT 100`,
      [script],
    );
    expect(JSON.stringify(plan)).toMatch(/execution_logs_(message_trgm|script_ts)/);
  });
});
