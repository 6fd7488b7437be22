import { randomUUID } from 'node:crypto';
import { freshDatabase } from '@runlet/testing';
import { ConcurrencyError, Database, EventStore, EventMetadata } from '.';

const meta: EventMetadata = { actor: 'test', correlationId: randomUUID(), causationId: null };

describe('EventStore (real PostgreSQL)', () => {
  let db: Database;
  let store: EventStore;

  beforeAll(async () => {
    db = await freshDatabase('event_store');
    store = new EventStore(db);
  });
  afterAll(() => db.close());

  it('appends and reads a stream back with metadata', async () => {
    const r = await store.appendToStream(
      's-1',
      0,
      [
        { type: 'A', data: { n: 1 } },
        { type: 'B', data: { n: 2 } },
      ],
      meta,
    );
    expect(r.streamVersion).toBe(2);
    const events = await store.readStream('s-1');
    expect(events.map((e) => [e.type, e.streamVersion, e.data.n])).toEqual([
      ['A', 1, 1],
      ['B', 2, 2],
    ]);
    expect(events[0].metadata).toEqual(meta);
  });

  it('tells of each commit (the wake-up hint) with its last position, once its appenders have resumed', async () => {
    const order: string[] = [];
    let told: () => void;
    const hinted = new Promise<void>((resolve) => (told = resolve));
    const hinting = new EventStore(db, {
      onCommitted: (position) => {
        order.push(`hint ${position}`);
        told();
      },
    });
    const r = await hinting.appendToStream(`hint-${randomUUID()}`, 0, [{ type: 'A', data: {} }], meta);
    order.push(`appended ${r.position}`); // the appender's own continuation, which the hint is not on
    await hinted;
    expect(order).toEqual([`appended ${r.position}`, `hint ${r.position}`]);
  });

  it('an event may carry its own metadata within an append', async () => {
    const stream = `own-meta-${randomUUID()}`;
    const caller: EventMetadata = { actor: 'webhook:t1', correlationId: 'c', causationId: null };
    await store.appendToStream(
      stream,
      0,
      [
        { type: 'A', data: {}, metadata: caller },
        { type: 'B', data: {} },
      ],
      meta,
    );
    expect((await store.readStream(stream)).map((e) => e.metadata.actor)).toEqual(['webhook:t1', 'test']);
  });

  it('rows attached to an append are stored with its events, and not at all when it fails', async () => {
    await db.query(`CREATE TABLE IF NOT EXISTS attached_rows (v TEXT NOT NULL)`);
    const attaching = new EventStore(db, {
      attachment: {
        sql: (first) => `INSERT INTO attached_rows (v) SELECT * FROM unnest($${first}::text[])`,
        params: (rows) => [rows],
      },
    });
    const stream = `attached-${randomUUID()}`;
    await attaching.append({
      streamId: stream,
      expectedVersion: 0,
      events: [{ type: 'A', data: {} }],
      metadata: meta,
      attached: [`${stream}:1`],
    });
    await expect(
      attaching.append({
        streamId: stream,
        expectedVersion: 0,
        events: [{ type: 'B', data: {} }],
        metadata: meta,
        attached: [`${stream}:2`],
      }),
    ).rejects.toBeInstanceOf(ConcurrencyError);
    const rows = await db.query(`SELECT v FROM attached_rows WHERE v LIKE $1 ORDER BY v`, [`${stream}:%`]);
    expect(rows.map((r: any) => r.v)).toEqual([`${stream}:1`]);
    expect((await store.readStream(stream)).map((e) => e.type)).toEqual(['A']);
  });

  it('two concurrent appends at the same expected version: exactly one wins', async () => {
    const stream = `race-${randomUUID()}`;
    await store.appendToStream(stream, 0, [{ type: 'Created', data: {} }], meta);
    const results = await Promise.allSettled(
      ['x', 'y'].map((who) => store.appendToStream(stream, 1, [{ type: 'Changed', data: { who } }], meta)),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const rejected = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(rejected.reason).toBeInstanceOf(ConcurrencyError);
    expect(await store.streamVersion(stream)).toBe(2);
  });

  it('the same race between two separate stores (two processes) also has one winner', async () => {
    const other = new EventStore(db);
    const stream = `race2-${randomUUID()}`;
    const results = await Promise.allSettled([
      store.appendToStream(stream, 0, [{ type: 'Created', data: {} }], meta),
      other.appendToStream(stream, 0, [{ type: 'Created', data: {} }], meta),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect((await store.readStream(stream)).length).toBe(1);
  });

  it('an expected version ahead of the stream is refused and leaves no gap in positions', async () => {
    const before = await store.headPosition();
    await expect(
      store.appendToStream(`ahead-${randomUUID()}`, 5, [{ type: 'X', data: {} }], meta),
    ).rejects.toBeInstanceOf(ConcurrencyError);
    expect(await store.headPosition()).toBe(before);
    const r = await store.appendToStream(`after-${randomUUID()}`, 0, [{ type: 'X', data: {} }], meta);
    expect(r.position).toBe(before + 1);
  });

  it('a conflicting request in a group fails alone; the others in the group commit', async () => {
    const taken = `taken-${randomUUID()}`;
    await store.appendToStream(taken, 0, [{ type: 'Created', data: {} }], meta);
    const fresh = Array.from({ length: 10 }, () => `ok-${randomUUID()}`);
    const results = await Promise.allSettled([
      store.appendToStream(taken, 0, [{ type: 'Created', data: {} }], meta),
      ...fresh.map((s) => store.appendToStream(s, 0, [{ type: 'Created', data: {} }], meta)),
    ]);
    expect(results[0].status).toBe('rejected');
    expect(results.slice(1).every((r) => r.status === 'fulfilled')).toBe(true);
  });

  it('50 concurrent writers: positions 1..N without gap or duplicate; a polling reader sees each event once, in order', async () => {
    const start = await store.headPosition();
    const seen: number[] = [];
    let writing = true;
    const reader = (async () => {
      let after = start;
      while (writing || after < (await store.headPosition())) {
        const batch = await store.readAll({ after, limit: 200 });
        for (const e of batch) {
          seen.push(e.position);
          after = e.position;
        }
      }
    })();
    const writers = Array.from({ length: 50 }, async (_, w) => {
      const stream = `writer-${w}-${randomUUID()}`;
      for (let v = 0; v < 20; v++) {
        await store.appendToStream(stream, v, [{ type: 'Tick', data: { w, v } }], meta);
      }
    });
    await Promise.all(writers);
    writing = false;
    await reader;
    const expected = Array.from({ length: 1000 }, (_, i) => start + i + 1);
    const all = (await store.readAll({ after: start, limit: 5000 })).map((e) => e.position);
    expect(all).toEqual(expected);
    expect(seen).toEqual(expected);
  });

  it('with upcasters: new events are written in their type current schema version; older ones are read upcast, wherever read', async () => {
    const stream = `upcast-${randomUUID()}`;
    const type = `Shape-${randomUUID()}`;
    const upcasting = new EventStore(db, {
      upcasters: [{ type, fromVersion: 1, upcast: (d) => ({ ...d, colour: d.colour ?? 'blue' }) }],
    });
    await store.appendToStream(stream, 0, [{ type, data: { colour: null } }], meta); // an old writer: v1
    const appended = await upcasting.appendToStream(stream, 1, [{ type, data: { colour: 'red' } }], meta);
    expect(appended.events[0].schemaVersion).toBe(2);
    const stored = await db.query(`SELECT schema_version, data FROM events WHERE stream_id = $1 ORDER BY 1`, [
      stream,
    ]);
    expect(stored.map((r: any) => [r.schema_version, r.data.colour])).toEqual([
      [1, null], // the fact stays as written
      [2, 'red'],
    ]);
    const shapes = (events: { schemaVersion: number; data: any }[]) =>
      events.map((e) => [e.schemaVersion, e.data.colour]);
    const expected = [
      [2, 'blue'],
      [2, 'red'],
    ];
    expect(shapes(await upcasting.readStream(stream))).toEqual(expected);
    expect(shapes(await upcasting.readAll({ streamId: stream }))).toEqual(expected);
    expect(shapes((await upcasting.readTypes(0, [type], 10)).events)).toEqual(expected);
  });
});
