import { randomUUID } from 'node:crypto';
import { freshDatabase } from '@runlet/testing';
import {
  Database,
  EventMetadata,
  EventStore,
  readLatestScriptEvent,
  readReferencedLockfileHashes,
  readScriptEvents,
  readSubscriptionPosition,
  SubscriptionRunner,
} from '.';

const meta: EventMetadata = { actor: 'test', correlationId: randomUUID(), causationId: null };

/** The read operations over `events` (one file each), against the real table. */
describe('event reads (real PostgreSQL)', () => {
  let db: Database;
  let store: EventStore;

  beforeAll(async () => {
    db = await freshDatabase('event_reads');
    // "Saved" events written at schema version 1 lack `colour`; version 2 has it.
    store = new EventStore(db, {
      upcasters: [{ type: 'Saved', fromVersion: 1, upcast: (d) => ({ ...d, colour: 'blue' }) }],
    });
  });
  afterAll(() => db.close());

  const append = (streamId: string, type: string, data: object, schemaVersion?: number) =>
    store.append({
      streamId,
      expectedVersion: 'any',
      events: [{ type, data, schemaVersion }],
      metadata: meta,
    });

  it('readLatestScriptEvent: the last event of the type naming the script (and version), upcast', async () => {
    const scriptId = randomUUID();
    await append(`x-${scriptId}`, 'Saved', { scriptId, version: 1, n: 1 }, 1);
    await append(`x-${scriptId}`, 'Saved', { scriptId, version: 2, n: 2 }, 1);
    await append(`x-${scriptId}`, 'Saved', { scriptId, version: 1, n: 3 }, 1);
    await append(`x-${scriptId}`, 'Other', { scriptId, version: 1, n: 4 });
    await append(`x-${randomUUID()}`, 'Saved', { scriptId: randomUUID(), version: 1, n: 5 });

    const latest = await readLatestScriptEvent(db, store, 'Saved', scriptId);
    expect(latest?.data).toEqual({ scriptId, version: 1, n: 3, colour: 'blue' });
    expect((await readLatestScriptEvent(db, store, 'Saved', scriptId, 2))?.data.n).toBe(2);
    expect(await readLatestScriptEvent(db, store, 'Saved', scriptId, 3)).toBeUndefined();
    expect(await readLatestScriptEvent(db, store, 'Saved', randomUUID())).toBeUndefined();
  });

  it('readScriptEvents: every event naming the script after a position, oldest first, paged, upcast', async () => {
    const scriptId = randomUUID();
    await append(`a-${scriptId}`, 'Saved', { scriptId, n: 1 }, 1);
    await append(`b-${randomUUID()}`, 'Built', { scriptId, n: 2 });
    await append(`c-${randomUUID()}`, 'Built', { scriptId: randomUUID(), n: 3 });
    await append(`d-${randomUUID()}`, 'Ran', { scriptId, n: 4 });

    const all = await readScriptEvents(db, store, scriptId, { after: 0, limit: 10 });
    expect(all.map((e) => [e.type, e.data.n])).toEqual([
      ['Saved', 1],
      ['Built', 2],
      ['Ran', 4],
    ]);
    expect(all[0].data.colour).toBe('blue');
    const page = await readScriptEvents(db, store, scriptId, { after: all[0].position, limit: 1 });
    expect(page.map((e) => e.data.n)).toEqual([2]);
  });

  it('readReferencedLockfileHashes: hashes of each last-deployed version and of recent builds', async () => {
    const [a, b] = [randomUUID(), randomUUID()];
    const built = (scriptId: string, version: number, lockfileHash: string) =>
      append(`build-${randomUUID()}`, 'Built', { scriptId, version, lockfileHash });
    const deployed = (scriptId: string, version: number) =>
      append(`script-${scriptId}`, 'Deployed', { scriptId, version });
    await built(a, 1, 'a1');
    await built(a, 2, 'a2');
    await built(b, 1, 'b1');
    await deployed(a, 2);
    await deployed(a, 1); // rolled back: version 1 is the one in use now
    await deployed(b, 1);
    const types = { deployed: 'Deployed', built: 'Built' };

    const later = new Date(Date.now() + 60_000); // none of these builds counts as recent
    const inUse = await readReferencedLockfileHashes(db, types, later);
    expect([...inUse].filter((h) => ['a1', 'a2', 'b1'].includes(h)).sort()).toEqual(['a1', 'b1']);
    const recent = await readReferencedLockfileHashes(db, types, new Date(0));
    expect([...recent].filter((h) => ['a1', 'a2', 'b1'].includes(h)).sort()).toEqual(['a1', 'a2', 'b1']);
  });

  it('readSubscriptionPosition: 0 before the first batch, then the committed checkpoint', async () => {
    const name = `reads-${randomUUID()}`;
    expect(await readSubscriptionPosition(db, name)).toBe(0);
    await append(`s-${randomUUID()}`, 'Ran', { n: 1 });
    const runner = new SubscriptionRunner(db, store, { name, handle: async () => undefined });
    await runner.drain();
    await runner.stop();
    expect(await readSubscriptionPosition(db, name)).toBe(await store.headPosition());
  });
});
