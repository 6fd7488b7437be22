import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import type { LogLevel, LogLine, LogStream } from '@runlet/contracts';
import type { Database } from '@runlet/event-store';
import { freshDatabase, REDIS_URL } from '@runlet/testing';
import { ChannelSubscriber, LogStore, logsMigrations } from '.';

const levels: LogLevel[] = ['debug', 'info', 'warn', 'error'];
const streams: LogStream[] = ['stdout', 'stderr', 'system'];

function line(seq: number, message = `line ${seq}`): LogLine {
  return {
    seq,
    ts: new Date(Date.UTC(2025, 0, 1, 0, 0, 0, seq)).toISOString(),
    level: levels[seq % levels.length],
    stream: streams[seq % streams.length],
    message,
  };
}

const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);
const tick = () => new Promise((r) => setImmediate(r));

/** Executions whose terminal event is recorded, as the event store would say (the tail's `ended`). */
const terminal = new Set<string>();

/** A tail that collects what it is given, with a promise for its end. */
async function collect(store: LogStore, executionId: string, after?: number) {
  const lines: LogLine[] = [];
  let ended!: () => void;
  const end = new Promise<void>((r) => (ended = r));
  const isOver = async () => terminal.has(executionId);
  const stop = await store.tail(executionId, { after, ended: isOver }, (l) => lines.push(l), ended);
  return { lines, end, stop };
}

/** The log store's Redis keys that name one of the executions. */
async function keysOf(redis: Redis, executionIds: string[]): Promise<string[]> {
  const found: string[] = [];
  for await (const keys of redis.scanStream({ match: 'runlet:logs:*', count: 1000 }))
    found.push(...(keys as string[]).filter((key) => executionIds.some((id) => key.includes(id))));
  return found;
}

describe('LogStore (real PostgreSQL and Redis)', () => {
  let db: Database;
  let store: LogStore;

  beforeAll(async () => {
    db = await freshDatabase('logs', logsMigrations);
    store = new LogStore(db, REDIS_URL, { maxBatch: 200 });
  });
  afterAll(async () => {
    await store.close();
    await db.close();
  });

  it('stores the interleaved lines of concurrent executions and reads each back in seq order', async () => {
    const ids = range(0, 5).map(() => randomUUID());
    await Promise.all(
      ids.map(async (id, n) => {
        for (const seq of range(0, 300)) {
          store.write(id, line(seq, `${n}:${seq}`));
          if (seq % 37 === 0) await tick();
        }
      }),
    );
    await store.flush();
    for (const [n, id] of ids.entries()) {
      const page = await store.read(id);
      expect(page.items).toEqual(range(0, 300).map((seq) => line(seq, `${n}:${seq}`)));
      expect(page.nextCursor).toBeNull();
    }
  });

  it('pages with after, limit and nextCursor', async () => {
    const id = randomUUID();
    range(0, 25).forEach((seq) => store.write(id, line(seq)));
    await store.flush(id);

    const seen: number[] = [];
    const cursors: (string | null)[] = [];
    let after: number | undefined;
    for (;;) {
      const page = await store.read(id, { after, limit: 10 });
      seen.push(...page.items.map((l) => l.seq));
      cursors.push(page.nextCursor);
      if (page.nextCursor === null) break;
      after = Number(page.nextCursor);
    }
    expect(seen).toEqual(range(0, 25));
    expect(cursors).toEqual(['9', '19', null]);

    // A full last page may have more behind it; the next one is then empty.
    expect((await store.read(id, { after: 14, limit: 10 })).nextCursor).toBe('24');
    expect(await store.read(id, { after: 24, limit: 10 })).toEqual({ items: [], nextCursor: null });
    expect((await store.read(id, { limit: 1_000_000 })).items).toHaveLength(25);
  });

  it('flush(executionId) makes that execution’s lines readable', async () => {
    const id = randomUUID();
    store.write(id, line(0));
    store.write(id, line(1));
    await store.flush(id);
    expect((await store.read(id)).items.map((l) => l.seq)).toEqual([0, 1]);
  });

  it('keeps one row when the same seq is written twice, in one batch or in two', async () => {
    const id = randomUUID();
    store.write(id, line(0, 'first'));
    store.write(id, line(0, 'same batch'));
    await store.flush(id);
    store.write(id, line(0, 'replayed'));
    store.write(id, line(1));
    await store.flush(id);
    expect((await store.read(id)).items).toEqual([line(0, 'first'), line(1)]);
  });

  it('stores messages holding NUL, lone surrogates and the escape marker exactly (docs/json-encoding.md)', async () => {
    const id = randomUUID();
    const messages = ['a\u0000b', 'lone \ud800 and \udc00', 'marker \ufdd0 and \ufdd00', 'pair \ud83d\ude00'];
    messages.forEach((message, seq) => store.write(id, line(seq, message)));
    await store.flush(id);
    expect((await store.read(id)).items.map((l) => l.message)).toEqual(messages);
  });

  it('a tail started mid-way shows stored lines, then live ones, each once and in order, until end', async () => {
    const id = randomUUID();
    range(0, 50).forEach((seq) => store.write(id, line(seq)));
    await store.flush(id);
    store.write(id, line(50)); // buffered, maybe not yet stored when the tail reads

    const tail = await collect(store, id);
    expect(tail.lines.map((l) => l.seq).slice(0, 50)).toEqual(range(0, 50));
    range(51, 100).forEach((seq) => store.write(id, line(seq)));
    store.end(id);
    await tail.end;
    expect(tail.lines).toEqual(range(0, 100).map((seq) => line(seq)));
  });

  it('a tail joining while lines stream in misses nothing and repeats nothing at the seam', async () => {
    const id = randomUUID();
    const writing = (async () => {
      for (const seq of range(0, 2000)) {
        store.write(id, line(seq));
        if (seq % 20 === 0) await tick();
      }
      store.end(id);
    })();
    while ((await store.read(id, { limit: 1 })).items.length === 0) await tick();
    const tail = await collect(store, id);
    const late = await collect(store, id, 1500);
    await writing;
    await Promise.all([tail.end, late.end]);
    expect(tail.lines.map((l) => l.seq)).toEqual(range(0, 2000));
    expect(late.lines.map((l) => l.seq)).toEqual(range(1501, 2000));
  });

  it('a tail of an ended execution shows the stored lines and ends', async () => {
    const id = randomUUID();
    range(0, 3).forEach((seq) => store.write(id, line(seq)));
    store.end(id);
    await store.close(); // waits for the end marker; a new store plays the API process
    terminal.add(id); // recorded after the lines were stored
    store = new LogStore(db, REDIS_URL, { maxBatch: 200 });

    const tail = await collect(store, id, 0);
    await tail.end;
    expect(tail.lines.map((l) => l.seq)).toEqual([1, 2]);
  });

  it('a tail of an execution that is over but was never ended here (no marker) shows every line and ends', async () => {
    const id = randomUUID();
    range(0, 1200).forEach((seq) => store.write(id, line(seq))); // more than one read page
    await store.flush(id);
    terminal.add(id);

    const tail = await collect(store, id);
    await tail.end;
    expect(tail.lines.map((l) => l.seq)).toEqual(range(0, 1200));
  });

  it('end leaves nothing behind in Redis: finished executions cost no keys', async () => {
    const redis = new Redis(REDIS_URL);
    try {
      const ids = range(0, 20).map(() => randomUUID());
      for (const id of ids) {
        store.write(id, line(0));
        store.end(id);
      }
      await store.close(); // waits for every end
      store = new LogStore(db, REDIS_URL, { maxBatch: 200 });
      expect(await keysOf(redis, ids)).toEqual([]);
    } finally {
      redis.disconnect();
    }
  });

  it('a stopped tail receives nothing more', async () => {
    const id = randomUUID();
    const tail = await collect(store, id);
    const other = await collect(store, id);
    tail.stop();
    store.write(id, line(0));
    store.end(id);
    await other.end;
    expect(other.lines.map((l) => l.seq)).toEqual([0]);
    expect(tail.lines).toEqual([]);
  });
});

describe('ChannelSubscriber', () => {
  let pub: Redis;
  let sub: Redis;

  beforeAll(() => {
    pub = new Redis(REDIS_URL);
    sub = new Redis(REDIS_URL);
  });
  afterAll(() => {
    pub.disconnect();
    sub.disconnect();
  });

  it('shares one subscription per channel among listeners and drops it after the last', async () => {
    const subscriber = new ChannelSubscriber(sub);
    const channel = `runlet:test:${randomUUID()}`;
    const a: string[] = [];
    const b: string[] = [];
    let bGot!: () => void;
    const stopA = await subscriber.subscribe(channel, (m) => a.push(m));
    const stopB = await subscriber.subscribe(channel, (m) => {
      b.push(m);
      if (m === 'two') bGot();
    });
    expect(subscriber.channelCount).toBe(1);
    expect(await pub.pubsub('NUMSUB', channel)).toEqual([channel, 1]);

    await pub.publish(channel, 'one');
    const gotTwo = new Promise<void>((r) => (bGot = r));
    await new Promise<void>((r) => {
      const check = () => (b.includes('one') ? r() : setTimeout(check, 1));
      check();
    });
    stopA();
    stopA(); // idempotent
    await pub.publish(channel, 'two');
    await gotTwo;
    expect(a).toEqual(['one']);
    expect(b).toEqual(['one', 'two']);

    stopB();
    expect(subscriber.channelCount).toBe(0);
    await sub.ping(); // the UNSUBSCRIBE went before this
    expect(await pub.pubsub('NUMSUB', channel)).toEqual([channel, 0]);
  });
});
