import { Cluster } from './support/cluster';
import { HOLDS, invariants } from './support/invariants';
import { acceptedIds, burst, loggingScript, statusCounts } from './support/load';
import { OwnRedis } from './support/own-services';

const NAME = 'res_redis_restart';
const LINES = 2;

describe('resilience: Redis restarted during a burst of 500 webhook calls, async and sync (own redis-server, real processes)', () => {
  let cluster: Cluster;
  let redis: OwnRedis;
  afterAll(async () => {
    await cluster?.close();
    await redis?.stop();
  });

  it('every accepted call ends exactly once, refused ones answer 503, positions stay gap-free, read models equal their rebuild, no log line is lost', async () => {
    redis = await OwnRedis.start();
    cluster = await Cluster.create(NAME, { redisUrl: redis.url });
    await cluster.start(['api', 'builder', 'scheduler']);
    await cluster.start(['executor']);
    await cluster.start(['executor']);
    const scriptId = await cluster.builtScript({ name: 'hooked', code: loggingScript(LINES, 50) });
    const trigger = async (mode: string) =>
      (await cluster.api('POST', `/api/v1/scripts/${scriptId}/triggers`, { type: 'http', mode })).body.id;
    const hooks = [await trigger('async'), await trigger('sync')];

    let restarted: Promise<void> | undefined;
    let answeredAfterRestart = 0;
    let back = false;
    const outcomes = await burst(cluster, hooks, 500, 16, (answered) => {
      if (back) answeredAfterRestart++;
      if (answered === 150 && !restarted) restarted = redis.restart(1000).then(() => void (back = true));
    });
    await restarted;
    expect(answeredAfterRestart).toBeGreaterThan(0); // the whole outage fell inside the burst
    // During the outage a call may be refused (503, nothing recorded) but never answer another 5xx.
    const codes = statusCounts(outcomes);
    const unexpected = Object.keys(codes).filter((c) => !['200', '202', '503'].includes(c));
    expect({
      unexpected,
      sample: outcomes.filter((o) => !['200', '202', '503'].includes(String(o.status))).slice(0, 3),
    }).toEqual({ unexpected: [], sample: [] });
    expect(codes['200'] + codes['202']).toBeGreaterThan(300);

    const result = await invariants(cluster.databaseUrl, NAME, {
      accepted: acceptedIds(outcomes),
      logLines: LINES,
    });
    expect(result).toEqual(HOLDS);
  }, 600_000);
});
