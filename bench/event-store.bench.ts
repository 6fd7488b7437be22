import { randomUUID } from 'node:crypto';
import { Database, EventStore } from '@runlet/event-store';
import { recreateTestDatabase } from '../test/support/database';
import { ms, report, summarize } from './stats';

const meta = { actor: 'bench', correlationId: randomUUID(), causationId: null };

/** Single-event appends from 64 concurrent writers, then batched appends; durable commits. */
export async function benchEventStore(seconds = 5): Promise<void> {
  const db = new Database({ url: await recreateTestDatabase('bench_event_store'), poolSize: 8 });
  await db.migrate();
  const store = new EventStore(db);
  const [{ synchronous_commit }] = await db.query('SHOW synchronous_commit');

  const { latencies, seconds: singleSeconds } = await singleAppends(store, seconds);
  const single = summarize(latencies);

  let batchedEvents = 0;
  const batchUntil = Date.now() + seconds * 1000;
  const b0 = performance.now();
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      const stream = `batch-${randomUUID()}`;
      for (let v = 0; Date.now() < batchUntil; v += 100) {
        const events = Array.from({ length: 100 }, (_, i) => ({ type: 'Ticked', data: { v: v + i } }));
        await store.appendToStream(stream, v, events, meta);
        batchedEvents += 100;
      }
    }),
  );
  const batchedSeconds = (performance.now() - b0) / 1000;

  report('event store (PostgreSQL, synchronous_commit=' + synchronous_commit + ')', [
    ['single-event appends/s, 64 concurrent writers', Math.round(single.n / singleSeconds)],
    ['append latency p50', ms(single.p50)],
    ['append latency p99', ms(single.p99)],
    ['batched appends (100 events/append, 8 writers): events/s', Math.round(batchedEvents / batchedSeconds)],
  ]);
  await db.close();
}

/** Single-event appends from 64 concurrent writers, each on a stream of its own, for `seconds`. */
async function singleAppends(
  store: EventStore,
  seconds: number,
): Promise<{ latencies: number[]; seconds: number }> {
  const latencies: number[] = [];
  const until = Date.now() + seconds * 1000;
  const writers = Array.from({ length: 64 }, async () => {
    const stream = `bench-${randomUUID()}`;
    for (let v = 0; Date.now() < until; v++) {
      const t0 = performance.now();
      await store.appendToStream(stream, v, [{ type: 'Ticked', data: { v } }], meta);
      latencies.push(performance.now() - t0);
    }
  });
  const t0 = performance.now();
  await Promise.all(writers);
  return { latencies, seconds: (performance.now() - t0) / 1000 };
}

/** Appends per second of `singleAppends`. */
export async function singleAppendRate(store: EventStore, seconds: number): Promise<number> {
  const run = await singleAppends(store, seconds);
  return run.latencies.length / run.seconds;
}
