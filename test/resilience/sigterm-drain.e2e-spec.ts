import { REDIS_URL } from '../support/database';
import { Cluster, eventually, RoleProcess } from './support/cluster';
import { HOLDS, invariants } from './support/invariants';
import { acceptedIds, burst, callHook, HookOutcome, loggingScript } from './support/load';

const NAME = 'res_sigterm';
const LINES = 2;
/** Far above the drain time docs/architecture.md documents; past it the process is SIGKILLed and the test fails. */
const GRACE_MS = 60_000;

/** Exited on its own after SIGTERM: by the signal it was sent (Nest raises it again once closed) or code 0. */
const cleanExit = (exit: { code: number | null; signal: string | null; killed: boolean }) =>
  !exit.killed && (exit.code === 0 || exit.signal === 'SIGTERM');

// One platform of role processes under steady webhook and cron load; each role in turn is sent
// SIGTERM, must drain and exit, and is replaced, as a rolling update would.
describe('resilience: SIGTERM of each role under load drains and exits (real processes, PostgreSQL, Redis, bwrap)', () => {
  let cluster: Cluster;
  let scriptId: string;
  let asyncHook: string;
  let syncHook: string;
  let cronTrigger: string;
  const accepted: string[] = [];
  const executorPid = new Map<RoleProcess, number>();
  let load: Promise<HookOutcome[]> | undefined;
  let loading = true;

  beforeAll(async () => {
    cluster = await Cluster.create(NAME, { redisUrl: REDIS_URL });
    await cluster.start(['api']);
    await cluster.start(['api']);
    await cluster.start(['builder']);
    await cluster.start(['scheduler']);
    for (let i = 0; i < 2; i++) {
      const e = await cluster.start(['executor']);
      executorPid.set(e, e.child.pid!);
    }
    scriptId = await cluster.builtScript({ name: 'drained', code: loggingScript(LINES, 1500) });
    const trigger = async (body: Record<string, unknown>) =>
      (await cluster.api('POST', `/api/v1/scripts/${scriptId}/triggers`, body)).body.id;
    asyncHook = await trigger({ type: 'http', mode: 'async' });
    syncHook = await trigger({ type: 'http', mode: 'sync' });
    cronTrigger = await trigger({ type: 'cron', schedule: '* * * * * *' });
    // Steady background load on whichever api process is up, until the last test ends.
    load = (async () => {
      const all: HookOutcome[] = [];
      while (loading) all.push(...(await burst(cluster, [asyncHook, syncHook], 4, 2)));
      return all;
    })();
  }, 300_000);
  afterAll(async () => {
    loading = false;
    await load?.catch(() => undefined);
    await cluster?.close();
  });

  it('executor: finishes the executions it runs, takes no new ones, exits', async () => {
    const victim = [...executorPid.keys()][0];
    const pid = executorPid.get(victim)!;
    await burst(cluster, [asyncHook], 12, 6).then((o) => accepted.push(...acceptedIds(o)));
    const startedBy = async () =>
      (
        await cluster.query(
          `SELECT stream_id FROM events WHERE event_type = 'ExecutionStarted' AND metadata->>'actor' LIKE $1`,
          [`system:executor-${pid}-%`],
        )
      ).map((r) => r.stream_id as string);
    await eventually(
      async () => ((await startedBy()).length > 0 ? true : undefined),
      'the victim running executions',
    );
    const exit = victim.terminate(GRACE_MS);
    await new Promise((r) => setTimeout(r, 500)); // the signal has been handled
    const runningAtTerm = await startedBy();
    const after = await burst(cluster, [asyncHook], 12, 6);
    accepted.push(...acceptedIds(after));
    expect(cleanExit(await exit)).toBe(true);
    await cluster.start(['executor']);
    // It finished what it had: each execution it started ended by its own hand, none was run again.
    const endedBy = await cluster.query(
      `SELECT stream_id FROM events WHERE stream_id = ANY($1) AND event_type IN ('ExecutionSucceeded','ExecutionFailed')
         AND metadata->>'actor' LIKE $2`,
      [runningAtTerm, `system:executor-${pid}-%`],
    );
    expect(endedBy.length).toBe(runningAtTerm.length);
    // And it took none of the work queued after the signal.
    const startedAfter = await cluster.query(
      `SELECT count(*)::int AS n FROM events WHERE event_type = 'ExecutionStarted' AND metadata->>'actor' LIKE $1
         AND stream_id = ANY($2)`,
      [`system:executor-${pid}-%`, acceptedIds(after).map((id) => `execution-${id}`)],
    );
    expect(startedAfter[0].n).toBe(0);
  }, 300_000);

  it('api: answers the sync calls in flight, then exits', async () => {
    const victim = cluster.processes.find((p) => p.roles.includes('api') && p.alive)!;
    const base = `http://127.0.0.1:${victim.port}`;
    const inFlight = Array.from({ length: 6 }, () => callHook(base, syncHook));
    await new Promise((r) => setTimeout(r, 500)); // the calls are in, their scripts run (1.5 s)
    const exit = victim.terminate(GRACE_MS);
    const answers = await Promise.all(inFlight);
    accepted.push(...acceptedIds(answers));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200, 200]);
    expect(cleanExit(await exit)).toBe(true);
    await cluster.start(['api']);
  }, 300_000);

  it('scheduler: stops, exits, and its replacement fires every later tick once', async () => {
    const victim = cluster.processes.find((p) => p.roles.includes('scheduler') && p.alive)!;
    expect(cleanExit(await victim.terminate(GRACE_MS))).toBe(true);
    const fired = async () =>
      (
        await cluster.query(
          `SELECT count(*)::int AS n FROM events WHERE event_type = 'TriggerFired' AND data->>'source' = 'cron'`,
        )
      )[0].n as number;
    const before = await fired();
    await cluster.start(['scheduler']);
    await eventually(
      async () => ((await fired()) >= before + 2 ? true : undefined),
      'the replacement firing ticks',
      60_000,
    );
  }, 300_000);

  it('builder: finishes or hands back the build it runs, exits, and the version is built once', async () => {
    const victim = cluster.processes.find((p) => p.roles.includes('builder') && p.alive)!;
    const saved = await cluster.api('PUT', `/api/v1/scripts/${scriptId}`, {
      code: `import ms from 'ms';\n${loggingScript(LINES, 1500)}`,
    });
    expect(saved.status).toBe(200);
    await eventually(
      async () =>
        (
          await cluster.query(
            `SELECT 1 FROM events WHERE event_type = 'BuildStarted' AND data->>'version' = '2'`,
          )
        ).length
          ? true
          : undefined,
      'the build running',
      60_000,
      50,
    );
    const exit = victim.terminate(GRACE_MS);
    expect(cleanExit(await exit)).toBe(true);
    await cluster.start(['builder']);
    await eventually(
      async () =>
        (await cluster.api('GET', `/api/v1/scripts/${scriptId}`)).body.deployedVersion === 2
          ? true
          : undefined,
      'version 2 deployed',
      180_000,
    );
    const ends = await cluster.query(
      `SELECT stream_id, count(*)::int AS n FROM events WHERE event_type IN ('BuildSucceeded', 'BuildFailed') GROUP BY stream_id`,
    );
    expect(ends.filter((e) => e.n !== 1)).toEqual([]);
  }, 300_000);

  it('afterwards: every accepted call and every cron tick ended exactly once; the store and read models hold', async () => {
    loading = false;
    const background = (await load) ?? [];
    // Ticks stop, so the executions there are can all end.
    expect((await cluster.api('PATCH', `/api/v1/triggers/${cronTrigger}`, { paused: true })).status).toBe(
      200,
    );
    const result = await invariants(cluster.databaseUrl, NAME, {
      accepted: [...accepted, ...acceptedIds(background)],
      logLines: LINES,
    });
    expect(result).toEqual(HOLDS);
    const ticks = await cluster.query(
      `SELECT count(*)::int AS n FROM events WHERE event_type = 'TriggerFired' AND data->>'source' = 'cron'`,
    );
    expect(ticks[0].n).toBeGreaterThan(0);
  }, 300_000);
});
