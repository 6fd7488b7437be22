import { randomUUID } from 'node:crypto';
import { decideScript, evolveScript, ScriptCommand, scriptStreamId } from '@runlet/domain';
import {
  AggregateRepository,
  Database,
  EventStore,
  Queryable,
  StoredEvent,
  SubscriptionHandler,
  SubscriptionRunner,
} from '@runlet/event-store';
import { freshDatabase } from '@runlet/testing';
import { readModelMigrations } from '../migrations';
import { ScriptsProjection } from './scripts.projection';

const meta = () => ({ actor: 'test', correlationId: randomUUID(), causationId: null });
const aggregate = { decide: decideScript, evolve: evolveScript };

/** Counts applications per event so a double application is visible. */
class CountingProjection implements SubscriptionHandler {
  readonly name: string;
  constructor(
    private readonly inner: ScriptsProjection,
    private readonly beforeEvent?: (e: StoredEvent, index: number) => Promise<void>,
  ) {
    this.name = inner.name;
  }
  get eventTypes() {
    return this.inner.eventTypes;
  }
  async handle(events: StoredEvent[], tx: Queryable): Promise<void> {
    for (const [i, e] of events.entries()) {
      await this.beforeEvent?.(e, i);
      await tx.query(
        `INSERT INTO applied (position, n) VALUES ($1, 1) ON CONFLICT (position) DO UPDATE SET n = applied.n + 1`,
        [e.position],
      );
      await this.inner.handle([e], tx);
    }
  }
  async reset(tx: Queryable): Promise<void> {
    await tx.query(`DELETE FROM applied`);
    await this.inner.reset(tx);
  }
}

describe('Scripts projection (real PostgreSQL)', () => {
  let db: Database;
  let store: EventStore;
  let repo: AggregateRepository;

  beforeAll(async () => {
    db = await freshDatabase('projection', readModelMigrations);
    await db.query(`CREATE TABLE applied (position BIGINT PRIMARY KEY, n INT NOT NULL)`);
    store = new EventStore(db);
    repo = new AggregateRepository(store);
    for (let s = 0; s < 20; s++) {
      const id = randomUUID();
      const run = (c: ScriptCommand) => repo.execute(scriptStreamId(id), aggregate, c, meta());
      await run({ type: 'CreateScript', scriptId: id, name: `s${s}`, spec: { code: 'v1' } });
      await run({ type: 'SaveScriptVersion', spec: { code: 'v2' } });
      if (s % 3 === 0) await run({ type: 'RenameScript', name: `renamed${s}` });
      if (s % 4 === 0) await run({ type: 'DeployScriptVersion', version: 2 });
      if (s % 5 === 0) await run({ type: 'ArchiveScript' });
    }
  });
  afterAll(() => db.close());

  const snapshot = async () => ({
    scripts: await db.query(`SELECT * FROM rm_scripts ORDER BY id`),
    versions: await db.query(`SELECT * FROM rm_script_versions ORDER BY script_id, version`),
  });

  it('a projection killed mid-batch resumes from its checkpoint without applying anything twice', async () => {
    // The first runner hangs in the middle of its batch, after writing part of it, and then
    // its process "dies": its database connection is cut, as when the process is killed.
    let hung!: () => void;
    const hanging = new Promise<void>((r) => (hung = r));
    const victim = new SubscriptionRunner(
      db,
      store,
      new CountingProjection(new ScriptsProjection(), async (_e, i) => {
        if (i === 15) {
          hung();
          await new Promise(() => undefined);
        }
      }),
      undefined,
      { batchSize: 40, leaseMs: 300, owner: 'victim' },
    );
    victim.start();
    await hanging;
    expect(Number((await db.query(`SELECT count(*) AS n FROM applied`))[0].n)).toBe(0); // nothing committed
    await db.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
        WHERE datname = current_database() AND pid <> pg_backend_pid() AND state LIKE 'idle in transaction%'`,
    );
    await new Promise((r) => setTimeout(r, 400)); // the victim's lease runs out

    const successor = new SubscriptionRunner(
      db,
      store,
      new CountingProjection(new ScriptsProjection()),
      undefined,
      {
        batchSize: 40,
        owner: 'successor',
      },
    );
    await successor.drain();
    await successor.stop(); // releases the lease
    const applied = await db.query(`SELECT n FROM applied`);
    const expected = (await store.readAll({ limit: 10_000 })).length;
    expect(applied.length).toBe(expected);
    expect(applied.every((r: any) => r.n === 1)).toBe(true);
    const [checkpoint] = await db.query(
      `SELECT position FROM subscriptions WHERE name = 'projection:scripts'`,
    );
    expect(Number(checkpoint.position)).toBe(await store.headPosition());

    const { scripts } = await snapshot();
    expect(scripts).toHaveLength(20);
    expect(scripts.filter((s: any) => s.archived)).toHaveLength(4);
    expect(scripts.filter((s: any) => s.deployed_version === 2)).toHaveLength(5);
  });

  it('rebuilding from position 0 yields identical read models', async () => {
    const runner = new SubscriptionRunner(
      db,
      store,
      new CountingProjection(new ScriptsProjection()),
      undefined,
      {
        owner: 'rebuilder',
        leaseMs: 300,
      },
    );
    await new Promise((r) => setTimeout(r, 400)); // leases of the previous test expire
    await runner.drain();
    const before = await snapshot();
    expect(before.scripts).toHaveLength(20);
    await runner.rebuild();
    expect((await snapshot()).scripts).toHaveLength(0);
    await runner.drain();
    expect(await snapshot()).toEqual(before);
  });
});
