import { randomUUID } from 'node:crypto';
import type { Database } from '@runlet/event-store';
import { freshDatabase, REDIS_URL } from '@runlet/testing';
import { LogRetention, LogStore, logsMigrations } from '..';

const DAY = 86_400_000;
const NOW = new Date('2025-06-30T12:00:00Z');

describe('LogRetention (real PostgreSQL)', () => {
  let db: Database;
  let store: LogStore;

  beforeAll(async () => {
    db = await freshDatabase('logs_retention', logsMigrations);
    store = new LogStore(db, REDIS_URL);
  });
  afterAll(async () => {
    await store.close();
    await db.close();
  });

  /** `count` lines of a new execution, `daysAgo` before NOW, one ms apart. */
  async function linesOf(daysAgo: number, count: number): Promise<string> {
    const id = randomUUID();
    for (let seq = 0; seq < count; seq++) {
      const ts = new Date(NOW.getTime() - daysAgo * DAY + seq).toISOString();
      store.write(id, { seq, ts, level: 'info', stream: 'stdout', message: `line ${seq}` }, 'script-a');
    }
    await store.flush(id);
    return id;
  }

  it('deletes the lines older than the retention in small batches, keeps the others', async () => {
    const expired = [await linesOf(31, 1200), await linesOf(45, 300)];
    const kept = [await linesOf(29, 250), await linesOf(0, 10)];
    const batches: number[] = [];
    const retention = new LogRetention(db, {
      retentionDays: 30,
      batchSize: 200,
      pauseMs: 0,
      now: () => NOW,
      onBatch: (n) => batches.push(n),
    });

    expect(await retention.sweep()).toBe(1500);
    expect(Math.max(...batches)).toBeLessThanOrEqual(200);
    expect(batches.length).toBeGreaterThanOrEqual(8);
    for (const id of expired) expect((await store.read(id)).items).toEqual([]);
    expect((await store.read(kept[0])).items).toHaveLength(250);
    expect((await store.read(kept[1])).items).toHaveLength(10);
    expect(await retention.sweep()).toBe(0);
  });

  it('two processes sweeping at once delete each line once and leave the kept ones', async () => {
    const expired = await linesOf(40, 3000);
    const kept = await linesOf(1, 100);
    const sweeper = () =>
      new LogRetention(db, { retentionDays: 30, batchSize: 250, pauseMs: 0, now: () => NOW });
    const [a, b] = await Promise.all([sweeper().sweep(), sweeper().sweep()]);
    expect(a + b).toBe(3000);
    expect((await store.read(expired)).items).toEqual([]);
    expect((await store.read(kept)).items).toHaveLength(100);
  });

  it('a started retention sweeps in the background; stop ends it', async () => {
    const expired = await linesOf(60, 500);
    const retention = new LogRetention(db, {
      retentionDays: 30,
      batchSize: 100,
      pauseMs: 0,
      everyMs: 50,
      now: () => NOW,
    });
    retention.start();
    while ((await store.read(expired, { limit: 1 })).items.length > 0)
      await new Promise((r) => setTimeout(r, 20));
    await retention.stop();
    expect((await store.read(expired)).items).toEqual([]);
  });
});
