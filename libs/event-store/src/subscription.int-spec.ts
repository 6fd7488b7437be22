import { randomUUID } from 'node:crypto';
import { freshDatabase } from '@runlet/testing';
import {
  Database,
  EventStore,
  Queryable,
  readSubscriptionFailures,
  StoredEvent,
  SubscriptionHandler,
  SubscriptionRunner,
  SubscriptionStalledError,
} from '.';

const meta = { actor: 'test', correlationId: randomUUID(), causationId: null };

/** Records, in the subscription's own transaction, every event it handles. */
class Recorder implements SubscriptionHandler {
  readonly eventTypes = ['Wanted'];
  constructor(readonly name: string) {}
  async handle(events: StoredEvent[], tx: Queryable): Promise<void> {
    for (const e of events) {
      await tx.query(
        `INSERT INTO handled (name, position, n) VALUES ($1, $2, 1)
         ON CONFLICT (name, position) DO UPDATE SET n = handled.n + 1`,
        [this.name, e.position],
      );
    }
  }
}

describe('SubscriptionRunner (real PostgreSQL)', () => {
  let db: Database;
  let store: EventStore;

  beforeAll(async () => {
    db = await freshDatabase('subscriptions');
    await db.query(`CREATE TABLE handled (name TEXT, position BIGINT, n INT, PRIMARY KEY (name, position))`);
    store = new EventStore(db);
  });
  const afterStop: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const stop of afterStop) await stop();
    await db.close();
  });

  const append = (type: string, n: number) =>
    Promise.all(
      Array.from({ length: n }, () =>
        store.appendToStream(`s-${randomUUID()}`, 0, [{ type, data: {} }], meta),
      ),
    );
  const checkpoint = async (name: string) =>
    Number((await db.query(`SELECT position FROM subscriptions WHERE name = $1`, [name]))[0].position);
  /** Every Wanted event, each handled once: [position, 1]. */
  const wanted = async () =>
    (await db.query(`SELECT global_position FROM events WHERE event_type = 'Wanted' ORDER BY 1`)).map(
      (r: any) => [Number(r.global_position), 1],
    );
  const handled = async (name: string) =>
    (await db.query(`SELECT position, n FROM handled WHERE name = $1 ORDER BY position`, [name])).map(
      (r: any) => [Number(r.position), r.n],
    );

  it('with lazy checkpoints, unwanted events are neither read nor written for; the checkpoint catches up on stop, and a successor handles each wanted event once', async () => {
    const name = `lazy-${randomUUID()}`;
    await append('Wanted', 3);
    const first = new SubscriptionRunner(db, store, new Recorder(name), undefined, { lazyCheckpoints: true });
    await first.drain();
    const afterWanted = await checkpoint(name);

    await append('Unwanted', 5);
    expect(await first.drain()).toBe(0); // the handler's types only are read, in SQL
    expect(await checkpoint(name)).toBe(afterWanted); // nothing written for them
    await first.stop(); // stores how far it got and gives the lease up
    expect(await checkpoint(name)).toBe(await store.headPosition());

    await append('Wanted', 2);
    const second = new SubscriptionRunner(db, store, new Recorder(name), undefined, {
      lazyCheckpoints: true,
    });
    expect(await second.drain()).toBe(2);
    await second.stop();
    expect(await handled(name)).toEqual(await wanted());
  });

  it('a runner that lost its lease rolls its batch back; the new holder handles the events once', async () => {
    const name = `lease-${randomUUID()}`;
    await append('Wanted', 2);
    const a = new SubscriptionRunner(db, store, new Recorder(name), undefined, { leaseMs: 60_000 });
    await a.drain();
    // b takes the lease over as if a's had expired (a still believes its lease is fresh).
    await db.query(`UPDATE subscriptions SET lease_until = now() - interval '1 second' WHERE name = $1`, [
      name,
    ]);
    const b = new SubscriptionRunner(db, store, new Recorder(name), undefined, { leaseMs: 60_000 });
    await append('Wanted', 3);
    expect(await b.drain()).toBe(3);
    await append('Wanted', 1);
    expect(await a.drain()).toBe(0); // its checkpoint update finds the lease gone: rolled back
    expect(await b.drain()).toBe(1);
    expect(await handled(name)).toEqual(await wanted());
    await b.stop();
    await a.stop();
  });

  it('an event the handler cannot apply: found inside its batch, recorded on the row, logged with backoff; waiters are told; a fix lets it move on', async () => {
    const name = `failing-${randomUUID()}`;
    const [ok, bad] = [`Ok-${name}`, `Poison-${name}`];
    let broken = true;
    const handler: SubscriptionHandler = {
      name,
      eventTypes: [ok, bad],
      async handle(events, tx) {
        for (const e of events) {
          if (e.type === bad && broken) throw new Error('cannot apply poison');
          await new Recorder(name).handle([e], tx);
        }
      },
    };
    await append(ok, 2);
    const [poison] = await append(bad, 1);
    await append(ok, 1);
    const logged: string[] = [];
    const runner = new SubscriptionRunner(db, store, handler, undefined, {
      retryBaseMs: 5,
      retryMaxMs: 40,
      log: (message) => logged.push(message),
    });
    runner.start();
    afterStop.push(() => runner.stop());
    const waiting = runner.caughtUp(await store.headPosition()).catch((err) => err);
    const stalled = await waiting;
    expect(stalled).toBeInstanceOf(SubscriptionStalledError);
    expect(stalled.failure).toMatchObject({ subscription: name, position: poison.position, eventType: bad });
    expect(stalled.message).toContain(
      `cannot apply the event at position ${poison.position} (${bad}): cannot apply poison`,
    );
    // The events before it were applied alone; the batch that held it did not stop at the first.
    expect((await handled(name)).length).toBe(2);
    const [row] = await readSubscriptionFailures(db, name);
    expect(row).toMatchObject({ position: poison.position, eventType: bad, error: 'cannot apply poison' });

    while (runner.failureCount < 16) await new Promise((r) => setTimeout(r, 10));
    expect(logged.filter((l) => l.includes('cannot apply')).length).toBeLessThanOrEqual(5); // 1, 2, 4, 8, 16

    broken = false; // the next retry applies it (waiters are refused until then)
    while (runner.failing) await new Promise((r) => setTimeout(r, 10));
    await runner.caughtUp(await store.headPosition());
    expect(runner.failing).toBeUndefined();
    expect(await readSubscriptionFailures(db, name)).toEqual([]);
    expect((await handled(name)).length).toBe(4);
    await runner.stop();
  });
  it('a transaction that locks the subscription row, then read-model rows (execution retention), never deadlocks with a batch', async () => {
    const name = `locks-${randomUUID()}`;
    await db.query(`CREATE TABLE IF NOT EXISTS tally (id TEXT PRIMARY KEY, n INT)`);
    await db.query(`INSERT INTO tally VALUES ($1, 0)`, [name]);
    let handledRow!: () => void;
    const rowWritten = new Promise<void>((r) => (handledRow = r));
    let finish!: () => void;
    const mayFinish = new Promise<void>((r) => (finish = r));
    // Writes its read-model row, then holds its transaction open until told.
    const handler: SubscriptionHandler = {
      name,
      eventTypes: ['Counted'],
      async handle(events, tx) {
        await tx.query(`UPDATE tally SET n = n + $2 WHERE id = $1`, [name, events.length]);
        handledRow();
        await mayFinish;
      },
    };
    const runner = new SubscriptionRunner(db, store, handler, undefined, { retryBaseMs: 5, retryMaxMs: 20 });
    await append('Counted', 1);
    const batch = runner.drain();
    await rowWritten;
    // Retention's order: the subscription row first (FOR UPDATE), then the rows it corrects.
    const other = db.transaction(async (tx) => {
      await tx.query(`SELECT position FROM subscriptions WHERE name = $1 FOR UPDATE`, [name]);
      await tx.query(`UPDATE tally SET n = n - 0 WHERE id = $1`, [name]);
    });
    await new Promise((r) => setTimeout(r, 300)); // the other transaction is at its first lock now
    finish();
    await expect(Promise.all([batch, other])).resolves.toEqual([1, undefined]);
    expect(runner.failureCount).toBe(0);
    expect((await db.query(`SELECT n FROM tally WHERE id = $1`, [name]))[0].n).toBe(1);
    await runner.stop();
  });
});
