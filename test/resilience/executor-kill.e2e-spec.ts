import { REDIS_URL } from '../support/database';
import { Cluster, eventually, RoleProcess } from './support/cluster';
import { HOLDS, invariants, terminalEvents } from './support/invariants';
import { acceptedIds, burst, loggingScript, statusCounts } from './support/load';

const NAME = 'res_executor_kill';
const LINES = 3;

describe('resilience: an executor SIGKILLed in the middle of 100 executions (real processes, PostgreSQL, Redis, bwrap)', () => {
  let cluster: Cluster;
  afterAll(() => cluster?.close());

  it('every accepted call ends exactly once, positions stay gap-free, read models equal their rebuild, no log line is lost', async () => {
    cluster = await Cluster.create(NAME, { redisUrl: REDIS_URL, env: { RUNLET_EXECUTOR_LOCK_MS: '1500' } });
    await cluster.start(['api', 'builder', 'scheduler']);
    const victim: RoleProcess = await cluster.start(['executor']);
    await cluster.start(['executor']);
    const scriptId = await cluster.builtScript({ name: 'slow', code: loggingScript(LINES, 700) });
    const hook = (
      await cluster.api('POST', `/api/v1/scripts/${scriptId}/triggers`, { type: 'http', mode: 'async' })
    ).body;

    const outcomes = await burst(cluster, [hook.id], 100, 10);
    expect(statusCounts(outcomes)).toEqual({ 202: 100 });
    // Kill one executor once some have finished and others run.
    await eventually(async () => {
      const ended = [...(await terminalEvents(cluster.databaseUrl)).values()].filter((t) => t.length).length;
      return ended >= 20 ? true : undefined;
    }, '20 executions ended');
    victim.kill('SIGKILL');
    await victim.exited;

    const result = await invariants(cluster.databaseUrl, NAME, {
      accepted: acceptedIds(outcomes),
      logLines: LINES,
    });
    expect(result).toEqual(HOLDS);
    // The fault hit running work: executions the victim had started were run again elsewhere.
    const [{ retried }] = await cluster.query(
      `SELECT count(*)::int AS retried FROM (SELECT stream_id FROM events WHERE event_type = 'ExecutionStarted'
       GROUP BY stream_id HAVING count(*) > 1) s`,
    );
    expect(retried).toBeGreaterThan(0);
  }, 600_000);
});
