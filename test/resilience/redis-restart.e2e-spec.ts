import { Cluster } from './support/cluster';
import { HOLDS, invariants } from './support/invariants';
import {
  acceptedIds,
  burstThroughOutage,
  loggingScript,
  statusCounts,
  twoApisTwoExecutorsWithHooks,
} from './support/load';
import { OwnRedis } from './support/own-services';

const NAME = 'res_redis_restart';
const LINES = 2;

describe('resilience: Redis restarted during a burst of 500 webhook calls, async and sync, through two api processes (own redis-server, real processes)', () => {
  let cluster: Cluster;
  let redis: OwnRedis;
  afterAll(async () => {
    await cluster?.close();
    await redis?.stop();
  });

  it('every accepted call ends exactly once, refused ones answer 503, positions stay gap-free, read models equal their rebuild, no log line is lost', async () => {
    redis = await OwnRedis.start();
    cluster = await Cluster.create(NAME, { redisUrl: redis.url });
    const hooks = await twoApisTwoExecutorsWithHooks(cluster, 'hooked', loggingScript(LINES, 50));
    const { outcomes, answeredAfter } = await burstThroughOutage(cluster, hooks, 500, 16, 150, () =>
      redis.restart(1000),
    );
    expect(answeredAfter).toBeGreaterThan(0); // the whole outage fell inside the burst
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
