import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { recreateTestDatabase, REDIS_URL } from '@runlet/testing';
import { queueOptions } from '@runlet/platform';
import { ExecutionJobData, EXECUTIONS_QUEUE } from '@runlet/executions';
import { ExecutionLease } from './execution-lease';

describe('ExecutionLease (real Redis, BullMQ)', () => {
  let queue: Queue<ExecutionJobData>;
  beforeAll(async () => {
    queue = new Queue(
      EXECUTIONS_QUEUE,
      queueOptions(REDIS_URL, await recreateTestDatabase('execution_lease')),
    );
    await queue.obliterate({ force: true });
  });
  afterAll(() => queue.close());

  const lease = (id: string) => new ExecutionLease(queue, id, 60_000);
  const stateOf = (id: string) => queue.getJobState(id);

  it('a run that ends without being held never touches the queue', async () => {
    const id = randomUUID();
    await lease(id).release({ kind: 'finished' });
    expect(await stateOf(id)).toBe('unknown');
  });

  it('without a hold, a retry is queued after its backoff and a hand-over at once', async () => {
    const retried = randomUUID();
    await lease(retried).release({ kind: 'retry', delayMs: 4000 });
    const job = await queue.getJob(retried);
    expect([await job!.getState(), job!.delay, job!.data]).toEqual([
      'delayed',
      4000,
      { executionId: retried },
    ]);
    const handedOver = randomUUID();
    await lease(handedOver).release({ kind: 'handover' });
    expect(await stateOf(handedOver)).toBe('waiting');
  });

  it('a held run parks its job under the execution id, due when the lease runs out; finishing removes it', async () => {
    const id = randomUUID();
    const held = lease(id);
    held.hold();
    held.hold(); // once is enough
    await held.release({ kind: 'finished' });
    expect(await stateOf(id)).toBe('unknown');

    const other = randomUUID();
    const running = lease(other);
    running.hold();
    for (;;) {
      const job = await queue.getJob(other);
      if (job) {
        expect([await job.getState(), job.delay]).toEqual(['delayed', 60_000]);
        break;
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    await running.release({ kind: 'finished' });
    expect(await stateOf(other)).toBe('unknown');
  });

  it("a held run's retry keeps its job, delayed by the backoff; a hand-over makes it due now", async () => {
    const retried = randomUUID();
    const first = lease(retried);
    first.hold();
    await first.release({ kind: 'retry', delayMs: 2000 });
    const job = await queue.getJob(retried);
    expect([await job!.getState(), job!.delay]).toEqual(['delayed', 2000]);

    const handedOver = randomUUID();
    const second = lease(handedOver);
    second.hold();
    await second.release({ kind: 'handover' });
    expect(await stateOf(handedOver)).toBe('waiting');
  });
});
