import { join } from 'node:path';
import { Queue } from 'bullmq';
import { queueOptions } from '@runlet/platform';
import { DEFAULT_SCHEDULER_OPTIONS } from '../../apps/scheduler/src/scheduler.config';
import { REDIS_URL } from '../support/database';
import { Cluster, eventually } from './support/cluster';
import { HOLDS, invariants } from './support/invariants';
import { loggingScript } from './support/load';

const LINES = 1;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The trigger's cron firings: scheduled instant, whether late, and when the store recorded it (its own clock). */
async function firings(cluster: Cluster, triggerId: string) {
  return (
    await cluster.query(
      `SELECT data->>'scheduledAt' AS "scheduledAt", (data->>'late')::boolean AS late, recorded_at AS "recordedAt"
       FROM events WHERE event_type = 'TriggerFired' AND data->>'triggerId' = $1 ORDER BY data->>'scheduledAt'`,
      [triggerId],
    )
  ).map((r) => ({
    scheduledAt: r.scheduledAt as string,
    late: !!r.late,
    recordedAt: new Date(r.recordedAt),
  }));
}

/** Waits (up to 90 s) until the trigger has fired `n` ticks. */
async function untilFired(cluster: Cluster, triggerId: string, n: number): Promise<void> {
  await eventually(
    async () => ((await firings(cluster, triggerId)).length >= n ? true : undefined),
    `${n} ticks`,
    90_000,
  );
}

async function cronSetup(cluster: Cluster, catchUp: 'latest' | 'none') {
  await cluster.start(['api', 'builder']);
  await cluster.start(['executor']);
  const scriptId = await cluster.builtScript({ name: 'ticks', code: loggingScript(LINES, 10) });
  const trigger = await cluster.api('POST', `/api/v1/scripts/${scriptId}/triggers`, {
    type: 'cron',
    schedule: '* * * * * *',
    catchUp,
  });
  expect(trigger.status).toBe(201);
  return trigger.body.id as string;
}

describe('resilience: two schedulers racing, one with its clock 2 s ahead (real processes, PostgreSQL, Redis)', () => {
  const NAME = 'res_sched_race';
  let cluster: Cluster;
  afterAll(() => cluster?.close());

  it('every second fires once, none is missed, none before its time; every tick ends once', async () => {
    cluster = await Cluster.create(NAME, { redisUrl: REDIS_URL });
    const triggerId = await cronSetup(cluster, 'latest');
    await cluster.start(['scheduler']);
    await cluster.start(['scheduler'], {
      NODE_OPTIONS: `--require ${join(__dirname, 'support', 'clock-offset.js')}`,
      RUNLET_TEST_CLOCK_OFFSET_MS: '2000',
    });
    await untilFired(cluster, triggerId, 12);
    expect((await cluster.api('PATCH', `/api/v1/triggers/${triggerId}`, { paused: true })).status).toBe(200);
    await sleep(1500);

    const fired = await firings(cluster, triggerId);
    const seconds = fired.map((f) => Date.parse(f.scheduledAt) / 1000);
    const expected = Array.from({ length: seconds.length }, (_, i) => seconds[0] + i);
    expect(seconds).toEqual(expected); // each second once, no gap
    // Never before its instant as the store's clock sees it (the skewed process would fire 2 s early).
    expect(fired.filter((f) => f.recordedAt.getTime() < Date.parse(f.scheduledAt) - 250)).toEqual([]);
    const result = await invariants(cluster.databaseUrl, NAME, { accepted: [], logLines: LINES });
    expect(result).toEqual(HOLDS);
  }, 600_000);
});

describe('resilience: the scheduler stopped and restarted (catch-up policy, real processes)', () => {
  const NAME = 'res_sched_restart';
  let cluster: Cluster;
  afterAll(() => cluster?.close());

  it('catchUp latest: the ticks missed while it was down fire once, as one late tick; later ones on time', async () => {
    cluster = await Cluster.create(NAME, { redisUrl: REDIS_URL });
    const triggerId = await cronSetup(cluster, 'latest');
    const first = await cluster.start(['scheduler']);
    await untilFired(cluster, triggerId, 3);
    await first.terminate();
    const stoppedAt = Date.now();
    await sleep(5000);
    await cluster.start(['scheduler']);
    const restartedAt = Date.now();
    await eventually(
      async () =>
        (await firings(cluster, triggerId)).filter(
          (f) => !f.late && Date.parse(f.scheduledAt) > restartedAt + 1000,
        ).length >= 2
          ? true
          : undefined,
      'ticks on time after the restart',
      90_000,
    );
    expect((await cluster.api('PATCH', `/api/v1/triggers/${triggerId}`, { paused: true })).status).toBe(200);
    await sleep(1500);

    const fired = await firings(cluster, triggerId);
    // Down from the stop until the first tick the new process fired on time (it takes seconds to start).
    const backAt = Date.parse(
      fired.find((f) => !f.late && Date.parse(f.scheduledAt) > stoppedAt + 1000)!.scheduledAt,
    );
    const inOutage = fired.filter(
      (f) => Date.parse(f.scheduledAt) > stoppedAt + 1000 && Date.parse(f.scheduledAt) < backAt,
    );
    expect(inOutage.filter((f) => !f.late)).toEqual([]); // nothing fired on time while no scheduler ran
    expect(inOutage.filter((f) => f.late)).toHaveLength(1); // the missed window, caught up once
    const seconds = fired.map((f) => f.scheduledAt);
    expect(new Set(seconds).size).toBe(seconds.length);
    const result = await invariants(cluster.databaseUrl, NAME, { accepted: [], logLines: LINES });
    expect(result).toEqual(HOLDS);
  }, 600_000);
});

describe('resilience: a scheduler SIGKILLed while it holds a tick (real processes, PostgreSQL, Redis)', () => {
  const NAME = 'res_sched_kill';
  const LEAD_MS = DEFAULT_SCHEDULER_OPTIONS.leadMs; // a tick job's BullMQ time is its tick's minus this
  let cluster: Cluster;
  let ticks: Queue | undefined;
  afterAll(async () => {
    await ticks?.close();
    await cluster?.close();
  });

  it('the tick it held is handed to the next scheduler and fires once, as late; every tick ends once', async () => {
    cluster = await Cluster.create(NAME, { redisUrl: REDIS_URL });
    const triggerId = await cronSetup(cluster, 'latest');
    const doomed = await cluster.start(['scheduler']);
    await untilFired(cluster, triggerId, 3);
    // The scheduler's queue ('cron-ticks'): wait until it holds a tick job (taken, sleeping its lead)
    // whose tick is still 150 ms away, so that it cannot fire it before the kill lands.
    ticks = new Queue('cron-ticks', queueOptions(cluster.redisUrl, cluster.databaseUrl));
    const held = await eventually(
      async () => (await ticks!.getActive()).find((j) => j.opts.prevMillis! + LEAD_MS - Date.now() > 150),
      'a held tick job',
      30_000,
      20,
    );
    doomed.kill('SIGKILL');
    await doomed.exited;
    const heldTick = new Date(held.opts.prevMillis! + LEAD_MS).toISOString();
    expect((await firings(cluster, triggerId)).map((f) => f.scheduledAt)).not.toContain(heldTick);

    await cluster.start(['scheduler']);
    const fired = await eventually(
      async () => {
        const all = await firings(cluster, triggerId);
        return all.some((f) => f.scheduledAt === heldTick) ? all : undefined;
      },
      `the held tick ${heldTick}`,
      120_000,
    );
    expect(fired.filter((f) => f.scheduledAt === heldTick)).toEqual([
      expect.objectContaining({ scheduledAt: heldTick, late: true }),
    ]);
    expect((await cluster.api('PATCH', `/api/v1/triggers/${triggerId}`, { paused: true })).status).toBe(200);
    await sleep(1500);
    const seconds = (await firings(cluster, triggerId)).map((f) => f.scheduledAt);
    expect(new Set(seconds).size).toBe(seconds.length);
    const result = await invariants(cluster.databaseUrl, NAME, { accepted: [], logLines: LINES });
    expect(result).toEqual(HOLDS);
  }, 600_000);
});
