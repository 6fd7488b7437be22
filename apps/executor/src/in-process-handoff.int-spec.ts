import { Queue } from 'bullmq';
import { testDatabaseUrl, REDIS_URL } from '@runlet/testing';
import { queueOptions } from '@runlet/platform';
import { ExecutionJobData, EXECUTIONS_QUEUE } from '@runlet/executions';
import { ADMISSION_WAIT_MS, InProcessHandoff } from './in-process-handoff';
import { TestExecutor } from './test-executor';

const QUICK = `export default () => { console.log('ran'); return 'ok'; };`;
/** Runs until cancelled. */
const ENDLESS = `export default () => new Promise(() => setInterval(() => {}, 1000));`;

describe('InProcessHandoff (real PostgreSQL, Redis, BullMQ and sandbox)', () => {
  let t: TestExecutor;
  let queue: Queue<ExecutionJobData>;
  let handoff: InProcessHandoff;

  beforeAll(async () => {
    t = await TestExecutor.start('in_process_handoff');
    queue = new Queue(EXECUTIONS_QUEUE, queueOptions(REDIS_URL, testDatabaseUrl('in_process_handoff')));
    await queue.obliterate({ force: true });
  });
  /** One slot; an execution not recorded yet may wait `maxWaitMs` for it, one at a time. */
  const newHandoff = (maxWaitMs: number) => {
    const created = new InProcessHandoff(t.attempts, queue, {
      concurrency: 1,
      maxWaitMs,
      maxWaiting: 1,
      leaseMs: 60_000,
    });
    created.start();
    return created;
  };
  beforeEach(() => (handoff = newHandoff(30_000)));
  afterEach(() => handoff.stop());
  afterAll(async () => {
    await queue.close();
    await t.close();
  });

  const typesOf = async (id: string) => (await t.events(id)).map((e) => e.type);

  /** Resolves once the execution's job is in the queue, with its state there. */
  async function jobState(id: string): Promise<string> {
    for (;;) {
      const state = await queue.getJobState(id);
      if (state !== 'unknown') return state;
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  it('records an execution not recorded yet with its run, and leaves no job in the queue', async () => {
    const { id, execution } = t.unrecorded(QUICK);
    await (await handoff.runUnrecorded(id, execution))!.recorded;
    await handoff.stop(); // the run is over
    expect(await typesOf(id)).toEqual(['ExecutionQueued', 'ExecutionStarted', 'ExecutionSucceeded']);
    expect(await t.lines(id)).toEqual([[1, 'stdout', 'ran']]);
    expect(await queue.getJob(id)).toBeUndefined();
  });

  it('a second hand-over of the same execution is refused: its waiter gets the error, its run leaves no trace', async () => {
    const { id, execution } = t.unrecorded(QUICK);
    await (await handoff.runUnrecorded(id, execution))!.recorded;
    await handoff.stop();
    handoff.start();
    const again = await handoff.runUnrecorded(id, execution);
    await expect(again!.recorded).rejects.toThrow(`execution ${id} already exists`);
    await handoff.stop();
    expect(await typesOf(id)).toEqual(['ExecutionQueued', 'ExecutionStarted', 'ExecutionSucceeded']);
    expect(await t.lines(id)).toEqual([[1, 'stdout', 'ran']]);
    expect(await queue.getJob(id)).toBeUndefined();
  });

  it('a long run parks its job in the queue while it lasts, for another executor to take over, and removes it when it ends', async () => {
    const { id, from } = await t.queued(ENDLESS);
    expect(handoff.runHere(id, from)).toBe(true);
    await t.until(id, 'ExecutionStarted');
    expect(await jobState(id)).toBe('delayed');
    await t.cancel(id);
    await handoff.stop();
    expect(await typesOf(id)).toEqual(['ExecutionQueued', 'ExecutionStarted', 'ExecutionCancelled']);
    expect(await queue.getJob(id)).toBeUndefined();
  });

  it('takes nothing while every slot is busy, nor once stopped', async () => {
    await handoff.stop();
    handoff = newHandoff(200);
    const busy = await t.queued(ENDLESS);
    expect(handoff.runHere(busy.id, busy.from)).toBe(true);
    const other = await t.queued(QUICK);
    expect(handoff.runHere(other.id, other.from)).toBe(false);
    const unrecorded = t.unrecorded(QUICK);
    // Waits its 200 ms for the slot the endless run keeps, then is refused; so is one beyond maxWaiting.
    const waited = handoff.runUnrecorded(unrecorded.id, unrecorded.execution);
    const beyond = t.unrecorded(QUICK);
    expect(await handoff.runUnrecorded(beyond.id, beyond.execution)).toBeUndefined();
    expect(await waited).toBeUndefined();
    expect(await t.events(unrecorded.id)).toEqual([]); // left to its caller, which records and queues it
    await t.until(busy.id, 'ExecutionStarted');
    await t.cancel(busy.id);
    await handoff.stop();
    expect(handoff.runHere(other.id, other.from)).toBe(false);
    expect(await typesOf(other.id)).toEqual(['ExecutionQueued']); // left to its caller, which queues it
  });

  it("with the executor's own admission wait, an execution not recorded yet still runs here behind a run far longer than a quick one", async () => {
    await handoff.stop();
    handoff = newHandoff(ADMISSION_WAIT_MS);
    const slow = t.unrecorded(
      `export default async () => { await new Promise((r) => setTimeout(r, 300)); return 1; };`,
    );
    const next = t.unrecorded(QUICK);
    const admittedSlow = await handoff.runUnrecorded(slow.id, slow.execution);
    const admittedNext = await handoff.runUnrecorded(next.id, next.execution); // waits for the slot
    expect(admittedNext).toBeDefined(); // not refused to its caller, which would queue it
    await admittedSlow!.recorded;
    await admittedNext!.recorded;
    await handoff.stop();
    expect(await typesOf(next.id)).toEqual(['ExecutionQueued', 'ExecutionStarted', 'ExecutionSucceeded']);
    expect(await queue.getJob(next.id)).toBeUndefined();
  });

  it('with every slot busy, an execution not recorded yet waits for the next free slot and runs here, never through the queue', async () => {
    const first = t.unrecorded(
      `export default async () => { await new Promise((r) => setTimeout(r, 60)); return 1; };`,
    );
    const second = t.unrecorded(QUICK);
    const admittedFirst = await handoff.runUnrecorded(first.id, first.execution);
    const admittedSecond = handoff.runUnrecorded(second.id, second.execution); // the one slot is taken
    await admittedFirst!.recorded;
    await (await admittedSecond)!.recorded;
    await handoff.stop();
    for (const { id } of [first, second]) {
      expect(await typesOf(id)).toEqual(['ExecutionQueued', 'ExecutionStarted', 'ExecutionSucceeded']);
      expect(await queue.getJob(id)).toBeUndefined();
    }
  });

  it('stopping refuses the executions waiting for a slot: they are left to their callers', async () => {
    const busy = await t.queued(ENDLESS);
    expect(handoff.runHere(busy.id, busy.from)).toBe(true);
    const waiting = t.unrecorded(QUICK);
    const admitted = handoff.runUnrecorded(waiting.id, waiting.execution);
    await t.until(busy.id, 'ExecutionStarted');
    const stopped = handoff.stop();
    expect(await admitted).toBeUndefined();
    await t.cancel(busy.id);
    await stopped;
    expect(await t.events(waiting.id)).toEqual([]);
  });

  it('a failed attempt with attempts left goes to the queue, delayed by the backoff', async () => {
    const version = await t.version(`export default () => { throw new Error('nope'); };`, 2);
    const { id, from } = await t.queued(version);
    expect(handoff.runHere(id, from)).toBe(true);
    await handoff.stop();
    expect(await typesOf(id)).toEqual(['ExecutionQueued', 'ExecutionStarted', 'ExecutionFailed']);
    const job = await queue.getJob(id);
    expect(await job!.getState()).toBe('delayed');
    expect(job!.delay).toBe(1000);
    expect(job!.data).toEqual({ executionId: id });
  });
});
