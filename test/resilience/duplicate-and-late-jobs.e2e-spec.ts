import { Queue } from 'bullmq';
import { ExecutionJobData, EXECUTIONS_QUEUE } from '@runlet/executions';
import { queueOptions } from '@runlet/platform';
import { REDIS_URL } from '../support/database';
import { Cluster, eventually } from './support/cluster';
import { HOLDS, invariants } from './support/invariants';
import { acceptedIds, burst, loggingScript, statusCounts } from './support/load';

const LINES = 2;

const startedTwice = async (cluster: Cluster): Promise<number> =>
  (
    await cluster.query(
      `SELECT count(*)::int AS n FROM (SELECT stream_id FROM events WHERE event_type = 'ExecutionStarted'
       GROUP BY stream_id HAVING count(*) > 1) s`,
    )
  )[0].n;

describe('resilience: the same BullMQ job delivered twice, under load (real processes, PostgreSQL, Redis, bwrap)', () => {
  const NAME = 'res_duplicate_job';
  let cluster: Cluster;
  afterAll(() => cluster?.close());

  it('a second delivery of each job (another job with the same data) runs nothing twice and records one end', async () => {
    cluster = await Cluster.create(NAME, { redisUrl: REDIS_URL });
    await cluster.start(['api', 'builder', 'scheduler']);
    await cluster.start(['executor']);
    await cluster.start(['executor']);
    const scriptId = await cluster.builtScript({ name: 'dup', code: loggingScript(LINES, 300) });
    const hook = (
      await cluster.api('POST', `/api/v1/scripts/${scriptId}/triggers`, { type: 'http', mode: 'async' })
    ).body.id;

    const queue = new Queue<ExecutionJobData>(
      EXECUTIONS_QUEUE,
      queueOptions(cluster.redisUrl, cluster.databaseUrl),
    );
    const copies: Promise<unknown>[] = [];
    try {
      const outcomes = await burst(cluster, [hook], 80, 8, () => {});
      expect(statusCounts(outcomes)).toEqual({ 202: 80 });
      // Each job delivered again: as BullMQ would after a lost acknowledgement, or a producer retrying.
      for (const id of acceptedIds(outcomes)) {
        copies.push(
          queue
            .getJob(id)
            .then((job) =>
              queue.add('execution', job?.data ?? { executionId: id }, { jobId: `${id}-again` }),
            ),
        );
      }
      await Promise.all(copies);
      await eventually(
        async () => ((await queue.getJobCounts('completed')).completed >= 160 ? true : undefined),
        'both deliveries of every job done',
      );
      const result = await invariants(cluster.databaseUrl, NAME, {
        accepted: acceptedIds(outcomes),
        logLines: LINES,
      });
      expect(result).toEqual(HOLDS);
      expect(await startedTwice(cluster)).toBe(0); // a finished or running execution is not started again
    } finally {
      await queue.close();
    }
  }, 600_000);
});

describe('resilience: a worker whose job lock expired finishing late (SIGSTOP/SIGCONT, real processes)', () => {
  const NAME = 'res_late_worker';
  let cluster: Cluster;
  afterAll(() => cluster?.close());

  it('another executor takes the stalled jobs over; the frozen one, resumed, records nothing a second time', async () => {
    cluster = await Cluster.create(NAME, { redisUrl: REDIS_URL, env: { RUNLET_EXECUTOR_LOCK_MS: '1500' } });
    await cluster.start(['api', 'builder', 'scheduler']);
    const frozen = await cluster.start(['executor']);
    const scriptId = await cluster.builtScript({ name: 'late', code: loggingScript(LINES, 2000) });
    const hook = (
      await cluster.api('POST', `/api/v1/scripts/${scriptId}/triggers`, { type: 'http', mode: 'async' })
    ).body.id;

    const outcomes = await burst(cluster, [hook], 40, 8);
    expect(statusCounts(outcomes)).toEqual({ 202: 40 });
    await eventually(
      async () =>
        (
          await cluster.query(`SELECT count(*)::int AS n FROM events WHERE event_type = 'ExecutionStarted'`)
        )[0].n >= 4
          ? true
          : undefined,
      'the first executor running executions',
    );
    // Frozen past its lock (its sandboxes run on), while a second executor takes the stalled jobs over.
    frozen.kill('SIGSTOP');
    await cluster.start(['executor']);
    await eventually(
      async () => ((await startedTwice(cluster)) > 0 ? true : undefined),
      'a stalled job taken over',
      60_000,
    );
    await new Promise((r) => setTimeout(r, 3000));
    frozen.kill('SIGCONT');

    const result = await invariants(cluster.databaseUrl, NAME, {
      accepted: acceptedIds(outcomes),
      logLines: LINES,
    });
    expect(result).toEqual(HOLDS);
    expect(frozen.alive).toBe(true); // it resumed and went on
  }, 600_000);
});
