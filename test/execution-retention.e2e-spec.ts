import { Database, SubscriptionHandler } from '@runlet/event-store';
import { ExecutionRetention, ProjectionRunnerService, PROJECTIONS } from '@runlet/platform';
import { createBuiltScript, startPlatform, TestPlatform } from './support/platform';
import { diffWithRebuild } from './support/projection-rebuild';

const NAME = 'execution_retention';

// RUNLET_EXECUTION_RETENTION_DAYS: executions that ended before the cutoff leave the event store,
// the read models and the log store; everything else stays, and the read models equal their rebuild.
describe('execution retention (real PostgreSQL, Redis, bwrap)', () => {
  let p: TestPlatform;
  beforeAll(async () => {
    p = await startPlatform(NAME);
  });
  afterAll(() => p.close());

  it('removes expired executions with their events, read-model rows and log lines, and nothing else', async () => {
    const db = p.app.get(Database);
    const scriptId = await createBuiltScript(p, {
      name: 'kept-and-expired',
      code: `export default () => { console.log('a line'); return 1; }`,
    });
    const hook = (await p.api('POST', `/api/v1/scripts/${scriptId}/triggers`, { type: 'http', mode: 'sync' }))
      .body;
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) {
      const res = await fetch(`${p.url}/hooks/${hook.id}`, { method: 'POST', body: '{}' });
      expect(res.status).toBe(200);
      ids.push(res.headers.get('x-runlet-execution-id')!);
    }
    const [expired, kept] = [ids.slice(0, 4), ids.slice(4)];
    const streams = (list: string[]) => list.map((id) => `execution-${id}`);
    const otherEvents = async () =>
      (await db.query(`SELECT count(*)::int AS n FROM events WHERE stream_id NOT LIKE 'execution-%'`))[0].n;
    const before = await otherEvents();
    // Those four ended 40 days ago, as far as the store knows.
    await db.query(`UPDATE events SET recorded_at = now() - interval '40 days' WHERE stream_id = ANY($1)`, [
      streams(expired),
    ]);

    await p.app.get(ProjectionRunnerService).catchUp(10_000); // only what the read models applied is removed
    const retention = new ExecutionRetention(db, { days: 30, batch: 3 });
    expect(await retention.sweep()).toBe(4); // two batches
    expect(await retention.sweep()).toBe(0);

    const left = await db.query(`SELECT DISTINCT stream_id FROM events WHERE stream_id LIKE 'execution-%'`);
    expect(left.map((r: any) => r.stream_id).sort()).toEqual(streams(kept).sort());
    expect(await otherEvents()).toBe(before); // script, trigger, build and api-key streams stay
    for (const id of expired) expect((await p.api('GET', `/api/v1/executions/${id}`)).status).toBe(404);
    const logs = await db.query(`SELECT execution_id, message FROM execution_logs WHERE stream = 'stdout'`);
    expect(logs.map((l: any) => l.execution_id).sort()).toEqual([...kept].sort());
    for (const id of kept)
      expect((await p.api('GET', `/api/v1/executions/${id}`)).body.status).toBe('succeeded');
    const trigger = (await p.api('GET', `/api/v1/scripts/${scriptId}/triggers`)).body.items.find(
      (t: any) => t.id === hook.id,
    );
    expect(trigger.fireCount).toBe(2);

    const { diffs, blockedBy } = await diffWithRebuild(
      p.config.databaseUrl,
      p.app.get<SubscriptionHandler[]>(PROJECTIONS),
      `${NAME}_rebuild`,
    );
    expect({ diffs, blockedBy }).toEqual({ diffs: [], blockedBy: undefined });
  });

  it('when the latest firing shown is removed, the trigger shows the latest retained one, as a rebuild would', async () => {
    const db = p.app.get(Database);
    const scriptId = await createBuiltScript(p, { name: 'latest-removed', code: `export default () => 2` });
    const hook = (await p.api('POST', `/api/v1/scripts/${scriptId}/triggers`, { type: 'http', mode: 'sync' }))
      .body;
    const fire = async () =>
      (await fetch(`${p.url}/hooks/${hook.id}`, { method: 'POST', body: '{}' })).headers.get(
        'x-runlet-execution-id',
      )!;
    const [older, newer] = [await fire(), await fire()];
    // Only the newer one ended long ago (the older one, say, ran for weeks): the shown latest firing goes.
    await db.query(`UPDATE events SET recorded_at = now() - interval '40 days' WHERE stream_id = $1`, [
      `execution-${newer}`,
    ]);
    await p.app.get(ProjectionRunnerService).catchUp(10_000);
    expect(await new ExecutionRetention(db, { days: 30 }).sweep()).toBe(1);

    const [firedOlder] = await db.query(
      `SELECT (data->>'firedAt')::timestamptz AS at FROM events WHERE stream_id = $1 AND event_type = 'TriggerFired'`,
      [`execution-${older}`],
    );
    const trigger = (await p.api('GET', `/api/v1/scripts/${scriptId}/triggers`)).body.items[0];
    expect({ fireCount: trigger.fireCount, lastFiredAt: trigger.lastFiredAt }).toEqual({
      fireCount: 1,
      lastFiredAt: new Date(firedOlder.at).toISOString(),
    });
    const { diffs, blockedBy } = await diffWithRebuild(
      p.config.databaseUrl,
      p.app.get<SubscriptionHandler[]>(PROJECTIONS),
      `${NAME}_rebuild`,
    );
    expect({ diffs, blockedBy }).toEqual({ diffs: [], blockedBy: undefined });
  });
});
