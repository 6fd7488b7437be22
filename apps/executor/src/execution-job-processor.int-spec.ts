import { Queue, Worker } from 'bullmq';
import { testDatabaseUrl, REDIS_URL } from '@runlet/testing';
import { queueOptions } from '@runlet/platform';
import { EXECUTION_JOB_OPTIONS, ExecutionJobData, EXECUTIONS_QUEUE } from '@runlet/executions';
import { ExecutionJobProcessor } from './execution-job-processor';
import { TestExecutor } from './test-executor';

const QUICK = `export default () => { console.log('ran'); return 1; };`;
/** Runs well past the quick path (ExecutionStarted is recorded on its own while it runs). */
const SLOW = `export default async () => { await new Promise((r) => setTimeout(r, 800)); console.log('ran slowly'); return 1; };`;

describe('ExecutionJobProcessor (real PostgreSQL, Redis, BullMQ and sandbox)', () => {
  let t: TestExecutor;
  let queue: Queue<ExecutionJobData>;
  let worker: Worker<ExecutionJobData>;

  beforeAll(async () => {
    t = await TestExecutor.start('job_processor');
    const options = queueOptions(REDIS_URL, testDatabaseUrl('job_processor'));
    queue = new Queue(EXECUTIONS_QUEUE, options);
    await queue.obliterate({ force: true });
    const processor = new ExecutionJobProcessor(t.attempts, t.repo);
    worker = new Worker(EXECUTIONS_QUEUE, (job) => processor.process(job), { ...options, concurrency: 2 });
  });
  afterAll(async () => {
    await worker.close();
    await queue.close();
    await t.close();
  });

  /** Waits for the job to be done with, and says how it ended. */
  async function settled(jobId: string): Promise<string> {
    for (;;) {
      const state = await queue.getJobState(jobId);
      if (state === 'completed' || state === 'failed') return state;
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  const add = (jobId: string, data: ExecutionJobData) =>
    queue.add('execute', data, { ...EXECUTION_JOB_OPTIONS, jobId });

  /** Queues an execution of `version` and delivers it as two jobs at once; both settle, it ran once. */
  const deliveredTwice = async (version: Parameters<typeof t.queued>[0]) => {
    const { id, from } = await t.queued(version);
    await Promise.all([
      add(id, { executionId: id, queued: from }),
      add(`${id}-again`, { executionId: id, queued: from }),
    ]);
    expect(await Promise.all([settled(id), settled(`${id}-again`)])).toEqual(['completed', 'completed']);
    expect((await t.events(id)).map((e) => e.type)).toEqual([
      'ExecutionQueued',
      'ExecutionStarted',
      'ExecutionSucceeded',
    ]);
    return id;
  };

  it('two jobs of one execution, both with its snapshot, record one start, one outcome and one run of lines', async () => {
    const id = await deliveredTwice(QUICK);
    expect(await t.lines(id)).toEqual([[1, 'stdout', 'ran']]);

    // Delivered once more, without a snapshot, after it finished: it is not run again.
    await add(`${id}-late`, { executionId: id });
    expect(await settled(`${id}-late`)).toBe('completed');
    expect(await t.events(id)).toHaveLength(3);
    expect(await t.lines(id)).toEqual([[1, 'stdout', 'ran']]);
  });

  it('two jobs of one execution whose run outlasts the quick path: the second does not take the running one over', async () => {
    // The first job records ExecutionStarted while it runs; the second, a first delivery too, finds
    // it running. Its owner is alive (its own job's lock, or its lease, covers a crash), so the
    // second job leaves it alone instead of starting attempt 2 beside it.
    const id = await deliveredTwice(SLOW);
    expect(await t.lines(id)).toEqual([[1, 'stdout', 'ran slowly']]);
  });

  it('a failed attempt with attempts left is retried by the queue, and the retry starts from the stream', async () => {
    const version = await t.version(`export default () => { throw new Error('nope'); };`, 2);
    const { id, from } = await t.queued(version);
    await add(id, { executionId: id, queued: from });
    expect(await settled(id)).toBe('completed');
    expect((await queue.getJob(id))!.attemptsMade).toBe(2);
    expect((await t.events(id)).map((e) => [e.type, e.data.attempt])).toEqual([
      ['ExecutionQueued', undefined],
      ['ExecutionStarted', 1],
      ['ExecutionFailed', 1],
      ['ExecutionStarted', 2],
      ['ExecutionFailed', 2],
    ]);
  });

  it('a job for an execution nobody recorded does nothing', async () => {
    const { id } = t.unrecorded(QUICK);
    await add(id, { executionId: id });
    expect(await settled(id)).toBe('completed');
    expect(await t.events(id)).toEqual([]);
  });
});
