import { testDatabaseName } from '../support/database';
import { Cluster, eventually } from './support/cluster';
import { HOLDS, invariants, terminalEvents } from './support/invariants';
import {
  acceptedIds,
  burst,
  burstThroughOutage,
  loggingScript,
  statusCounts,
  twoApisTwoExecutorsWithHooks,
} from './support/load';
import { OwnPostgres, OwnRedis } from './support/own-services';

const NAME = 'res_pg_restart';
const LINES = 3;

describe('resilience: PostgreSQL restarted while executions run and finish, through two api processes (own PostgreSQL and Redis, real processes)', () => {
  let cluster: Cluster;
  let pg: OwnPostgres;
  let redis: OwnRedis;
  afterAll(async () => {
    await cluster?.close();
    await pg?.stop();
    await redis?.stop();
  });

  it('every accepted call ends exactly once, positions stay gap-free, read models equal their rebuild, no log line is lost', async () => {
    [pg, redis] = await Promise.all([OwnPostgres.start(), OwnRedis.start()]);
    cluster = await Cluster.create(NAME, {
      databaseUrl: pg.url(testDatabaseName(NAME)),
      redisUrl: redis.url,
    });
    const hooks = await twoApisTwoExecutorsWithHooks(cluster, 'slow', loggingScript(LINES, 600));
    const { outcomes, answeredAfter } = await burstThroughOutage(cluster, hooks, 200, 12, 60, () =>
      pg.restart(1500),
    );
    expect(answeredAfter).toBeGreaterThan(0); // the whole outage fell inside the burst
    const unexpected = outcomes.filter((o) => ![200, 202, 503].includes(o.status)).slice(0, 3);
    expect(unexpected).toEqual([]);
    expect(acceptedIds(outcomes).length).toBeGreaterThan(0);

    // And the platform works on afterwards.
    const after = await burst(cluster, hooks, 20, 4);
    expect(statusCounts(after)).toEqual({ 200: 10, 202: 10 });
    await eventually(
      async () =>
        [...(await terminalEvents(cluster.databaseUrl)).values()].every((t) => t.length) ? true : undefined,
      'all ended',
      180_000,
    ).catch(() => undefined);

    const result = await invariants(cluster.databaseUrl, NAME, {
      accepted: [...acceptedIds(outcomes), ...acceptedIds(after)],
      logLines: LINES,
    });
    expect(result).toEqual(HOLDS);
  }, 600_000);
});
