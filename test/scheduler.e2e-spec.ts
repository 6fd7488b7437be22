import { randomUUID } from 'node:crypto';
import {
  CatchUpPolicy,
  OverlapPolicy,
  triggerAggregate,
  TriggerCommand,
  triggerStreamId,
} from '@runlet/domain';
import { AggregateRepository, Database } from '@runlet/event-store';
import { CronScheduler, OVERLAP_SKIP_REASON } from '@runlet/scheduler';
import { testDatabaseUrl } from './support/database';
import { startPlatform, TestPlatform } from './support/platform';

// Cron triggers end to end: real PostgreSQL, Redis/BullMQ, builder and executor; two scheduler
// scheduler instances on one database. Assertions are on counts and flags, never on timings.
jest.setTimeout(120_000);

const NAME = 'scheduler';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface TickedExecution {
  executionId: string;
  scheduledAt: string;
  late: boolean;
}

describe('Cron scheduler (two scheduler instances, real Redis and PostgreSQL)', () => {
  let a: TestPlatform; // api + builder + executor
  let b: TestPlatform; // two process-like scheduler-only instances
  let c: TestPlatform;
  const startScheduler = () =>
    startPlatform(NAME, {
      fresh: false,
      roles: ['scheduler'],
      config: { databaseUrl: testDatabaseUrl(NAME) },
    });
  let scriptId: string;

  const db = () => a.app.get(Database);
  const repo = () => a.app.get(AggregateRepository);
  const meta = { actor: 'test', correlationId: randomUUID(), causationId: null };

  const triggerCommand = (triggerId: string, command: TriggerCommand) =>
    repo().execute(triggerStreamId(triggerId), triggerAggregate, command, meta);

  async function createScript(code: string): Promise<string> {
    const created = await a.api('POST', '/api/v1/scripts', { name: `s-${randomUUID().slice(0, 8)}`, code });
    expect(created.status).toBe(201);
    for (const deadline = Date.now() + 60_000; ;) {
      const { body } = await a.api('GET', `/api/v1/scripts/${created.body.id}`);
      if (body.deployedVersion === 1) return created.body.id;
      if (body.build?.status === 'failed' || Date.now() > deadline)
        throw new Error(JSON.stringify(body.build));
      await sleep(200);
    }
  }

  async function createCronTrigger(
    opts: { catchUp?: CatchUpPolicy; overlap?: OverlapPolicy; script?: string } = {},
  ) {
    const { script = scriptId, ...settings } = opts;
    const triggerId = randomUUID();
    await triggerCommand(triggerId, {
      type: 'CreateTrigger',
      triggerId,
      scriptId: script,
      triggerType: 'cron',
      schedule: '* * * * * *',
      timezone: 'UTC',
      ...settings,
    });
    return triggerId;
  }

  /** Executions of a trigger straight from the event store (no projection lag). */
  async function executions(triggerId: string): Promise<TickedExecution[]> {
    const rows = await db().query(
      `SELECT data FROM events WHERE event_type = 'ExecutionQueued' AND data->'trigger'->>'id' = $1
        ORDER BY data->'trigger'->>'scheduledAt'`,
      [triggerId],
    );
    return rows.map((r: any) => ({
      executionId: r.data.executionId,
      scheduledAt: r.data.trigger.scheduledAt,
      late: r.data.trigger.late === true,
    }));
  }

  const expectNoTickTwice = (list: TickedExecution[]) =>
    expect(new Set(list.map((e) => e.scheduledAt)).size).toBe(list.length);

  beforeAll(async () => {
    a = await startPlatform(NAME, { roles: ['api', 'builder', 'executor'] });
    [b, c] = [await startScheduler(), await startScheduler()];
    scriptId = await createScript('export default () => 1');
  });

  afterAll(async () => {
    await c?.close();
    await b?.close();
    await a?.close();
  });

  let every: string;

  it('fires an every-second trigger once per tick across two scheduler instances, also through a rolling restart', async () => {
    const createdAt = Date.now();
    every = await createCronTrigger();
    await sleep(2_000);
    // Each instance in turn is stopped for 3 s and started again: the other one must take every
    // tick meanwhile (or the count below falls short), and the restart must not fire any twice.
    await b.close();
    await sleep(3_000);
    b = await startScheduler();
    const takenByC = c.app.get(CronScheduler).ticksTaken;
    await c.close();
    await sleep(3_000);
    const takenByB = b.app.get(CronScheduler).ticksTaken;
    c = await startScheduler();
    await sleep(2_000);
    await triggerCommand(every, { type: 'PauseTrigger' });
    const seconds = (Date.now() - createdAt) / 1000; // ≈ 10 s plus the restarts
    await sleep(1500); // a tick already in its lead time may still fire

    const list = await executions(every);
    expect(list.length).toBeGreaterThanOrEqual(Math.floor(seconds) - 1);
    expect(list.length).toBeLessThanOrEqual(Math.ceil(seconds) + 1);
    expectNoTickTwice(list);
    expect(list.every((e) => !e.late)).toBe(true);
    expect(takenByC).toBeGreaterThan(0);
    expect(takenByB).toBeGreaterThan(0);
    const ticks = list.map((e) => Date.parse(e.scheduledAt));
    expect(ticks.slice(1).every((t, i) => t - ticks[i] === 1000)).toBe(true); // no tick missing

    // The ticks are in the Prometheus metrics (all instances here share one process's registry).
    const metrics: string = (await a.api('GET', '/metrics')).body;
    const queued = Number(
      /^runlet_cron_ticks_total\{outcome="queued",late="false"\} (\d+)/m.exec(metrics)?.[1],
    );
    expect(queued).toBeGreaterThanOrEqual(list.length);
    expect(metrics).toMatch(/^runlet_cron_fire_delay_seconds_count \d+/m);
    expect(metrics).toMatch(/^runlet_cron_active_triggers \d+/m);

    // Each tick is one execution carrying the tick in `event.cron` and the TriggerFired before it.
    const stream = await db().query(
      `SELECT event_type, data, metadata FROM events WHERE stream_id = $1 ORDER BY stream_version`,
      [`execution-${list[0].executionId}`],
    );
    expect(stream.map((e: any) => e.event_type).slice(0, 2)).toEqual(['TriggerFired', 'ExecutionQueued']);
    expect(stream[0].data).toMatchObject({
      triggerId: every,
      source: 'cron',
      scheduledAt: list[0].scheduledAt,
    });
    expect(stream[1].data).toMatchObject({
      scriptId,
      version: 1,
      cron: { scheduledAt: list[0].scheduledAt, firedAt: stream[0].data.firedAt },
    });
    expect(stream[0].metadata).toMatchObject({
      actor: 'system:scheduler',
      correlationId: list[0].executionId,
    });
  });

  it('stops firing while paused and continues after resume', async () => {
    const paused = (await executions(every)).length;
    await sleep(3000);
    expect((await executions(every)).length).toBe(paused);

    await triggerCommand(every, { type: 'ResumeTrigger' });
    await sleep(3500);
    await triggerCommand(every, { type: 'DeleteTrigger' });
    await sleep(1500);
    const after = await executions(every);
    expect(after.length - paused).toBeGreaterThanOrEqual(2);
    expect(after.length - paused).toBeLessThanOrEqual(5);
    expectNoTickTwice(after);
  });

  it('an edit of the schedule or time zone takes effect at once, on every instance', async () => {
    const triggerId = await createCronTrigger();
    await sleep(2500);
    const edited = await a.api('PATCH', `/api/v1/triggers/${triggerId}`, { schedule: '*/2 * * * * *' });
    expect(edited.status).toBe(200);
    const editedAt = Date.now();
    expect(edited.body.nextRuns).toHaveLength(5);
    expect(edited.body.nextRuns.every((r: string) => new Date(r).getUTCSeconds() % 2 === 0)).toBe(true);
    await sleep(5000);
    await triggerCommand(triggerId, { type: 'PauseTrigger' });
    await sleep(1500);

    const list = await executions(triggerId);
    expectNoTickTwice(list);
    // Past the lead time of a tick already queued at the edit, only the new schedule fires.
    const after = list.filter((e) => Date.parse(e.scheduledAt) > editedAt + 1000);
    expect(after.length).toBeGreaterThanOrEqual(2);
    expect(after.every((e) => new Date(e.scheduledAt).getUTCSeconds() % 2 === 0)).toBe(true);

    // A time zone edit shows in the next runs (09:30 in Tokyo is 00:30 UTC).
    const zoned = await a.api('PATCH', `/api/v1/triggers/${triggerId}`, {
      schedule: '30 9 * * *',
      timezone: 'Asia/Tokyo',
    });
    expect(zoned.status).toBe(200);
    expect(zoned.body.nextRuns).toEqual([]); // paused: nothing upcoming
    const resumed = await a.api('PATCH', `/api/v1/triggers/${triggerId}`, { paused: false });
    expect(resumed.body.nextRuns[0]).toMatch(/T00:30:00\.000Z$/);
    await a.api('DELETE', `/api/v1/triggers/${triggerId}`);
  });

  it('after 5 s without any scheduler, catches up once (latest) or not at all (none)', async () => {
    const latest = await createCronTrigger({ catchUp: 'latest' });
    const none = await createCronTrigger({ catchUp: 'none' });
    await sleep(2500);
    const before = { latest: (await executions(latest)).length, none: (await executions(none)).length };
    expect(before.latest).toBeGreaterThan(0);
    expect(before.none).toBeGreaterThan(0);

    await c.close();
    await b.close();
    await sleep(5000);
    const restartedAt = new Date().toISOString();
    [b, c] = [await startScheduler(), await startScheduler()];
    await sleep(3500);
    await triggerCommand(latest, { type: 'PauseTrigger' });
    await triggerCommand(none, { type: 'PauseTrigger' });

    const caughtUp = await executions(latest);
    expectNoTickTwice(caughtUp);
    expect(caughtUp.filter((e) => e.late)).toHaveLength(1);
    expect(caughtUp.filter((e) => !e.late && e.scheduledAt > restartedAt).length).toBeGreaterThanOrEqual(2);

    const skipped = await executions(none);
    expectNoTickTwice(skipped);
    expect(skipped.filter((e) => e.late)).toHaveLength(0);
    expect(skipped.filter((e) => e.scheduledAt > restartedAt).length).toBeGreaterThanOrEqual(2);
    // Nothing in the outage was fired for `none`: no tick between the last one before and the restart.
    const last = skipped.filter((e) => e.scheduledAt <= restartedAt).pop()!;
    const firstAfter = skipped.find((e) => e.scheduledAt > restartedAt)!;
    expect(Date.parse(firstAfter.scheduledAt) - Date.parse(last.scheduledAt)).toBeGreaterThanOrEqual(5000);
  });

  it('records a tick as skipped while the previous run is queued or running (overlap: skip)', async () => {
    const slow = await createScript(
      'export default async () => { await new Promise((r) => setTimeout(r, 2500)); return 1; }',
    );
    const triggerId = await createCronTrigger({ overlap: 'skip', script: slow });
    await sleep(5000);
    await triggerCommand(triggerId, { type: 'PauseTrigger' });
    await sleep(1500);

    const list = await executions(triggerId);
    expectNoTickTwice(list);
    const skips = await db().query(
      `SELECT stream_id, data FROM events WHERE stream_id = ANY($1::text[]) AND event_type = 'ExecutionSkipped'`,
      [list.map((e) => `execution-${e.executionId}`)],
    );
    // The first tick runs; later ones overlap it (it takes 2.5 s) and are in the history as skipped.
    expect(skips.map((e: any) => e.stream_id)).not.toContain(`execution-${list[0].executionId}`);
    expect(skips.length).toBeGreaterThanOrEqual(2);
    for (const e of skips) expect(e.data.reason).toBe(OVERLAP_SKIP_REASON);
  });
});
