import { Client } from 'pg';
import { REDIS_URL, testDatabaseName } from '../support/database';
import { Cluster } from './support/cluster';
import { HOLDS, invariants } from './support/invariants';
import { acceptedIds, burst, loggingScript } from './support/load';

const NAME = 'res_projection_kill';
const LINES = 1;

describe('resilience: a projection whose transaction is killed halfway (pg_terminate_backend, real processes)', () => {
  let cluster: Cluster;
  afterAll(() => cluster?.close());

  it('resumes without a gap or a double apply: the read models equal their rebuild', async () => {
    cluster = await Cluster.create(NAME, { redisUrl: REDIS_URL });
    await cluster.start(['api', 'builder', 'scheduler']);
    await cluster.start(['executor']);
    const scriptId = await cluster.builtScript({ name: 'projected', code: loggingScript(LINES, 20) });
    const hook = (
      await cluster.api('POST', `/api/v1/scripts/${scriptId}/triggers`, { type: 'http', mode: 'async' })
    ).body.id;

    // While the load runs, end every session caught writing the executions read model: the
    // projection's batch transaction dies after some of its rows.
    const killer = new Client({ connectionString: cluster.databaseUrl });
    await killer.connect();
    let killed = 0;
    let loading = true;
    const killing = (async () => {
      while (loading) {
        const { rows } = await killer.query(
          `SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity
           WHERE datname = $1 AND pid <> pg_backend_pid() AND xact_start IS NOT NULL
             AND state IN ('active', 'idle in transaction') AND query ~* '^[[:space:]]*(INSERT|UPDATE)' AND query ~* 'rm_'`,
          [testDatabaseName(NAME)],
        );
        killed += rows.filter((r) => r.ok).length;
        await new Promise((r) => setTimeout(r, 5));
      }
    })();
    const outcomes = await burst(cluster, [hook], 500, 12);
    loading = false;
    await killing;
    await killer.end();
    expect(killed).toBeGreaterThan(0);

    const result = await invariants(cluster.databaseUrl, NAME, {
      accepted: acceptedIds(outcomes),
      logLines: LINES,
    });
    expect(result).toEqual(HOLDS);
  }, 600_000);
});
