import { Queue } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { executionStreamId, ExecutionState } from '@runlet/domain';
import { AggregateRepository, Database } from '@runlet/event-store';
import { executionAggregate } from '@runlet/domain';
import { ExecutionRequests, EXECUTIONS_QUEUE } from '@runlet/executions';
import { LogStore } from '@runlet/logs';
import { queueOptions } from '@runlet/platform';
import { testDatabaseUrl } from './support/database';
import { createBuiltScript, startPlatform, TestPlatform } from './support/platform';

const NAME = 'stale_job';

/** The BullMQ state of an execution's job once it is completed or failed (or after 10 s). */
async function jobStateOnceSettled(p: TestPlatform, executionId: string): Promise<string> {
  const queue = new Queue(EXECUTIONS_QUEUE, queueOptions(p.config.redisUrl, p.config.databaseUrl));
  try {
    let state = '';
    for (let i = 0; i < 200 && !['completed', 'failed'].includes(state); i++) {
      state = await queue.getJobState(executionId);
      if (!['completed', 'failed'].includes(state)) await new Promise((r) => setTimeout(r, 50));
    }
    return state;
  } finally {
    await queue.close();
  }
}

// The executor starts a job's sandbox while ExecutionStarted is being appended. When that append
// conflicts (here: the execution was cancelled while its job waited), the run is abandoned and
// nothing of it is recorded.
describe('a job whose execution was cancelled while it waited (real executor, PostgreSQL, Redis, bwrap)', () => {
  let api: TestPlatform; // no executor: the job waits
  let executor: TestPlatform | undefined;
  beforeAll(async () => {
    api = await startPlatform(NAME, { roles: ['api', 'builder'] });
  });
  afterAll(async () => {
    await executor?.close();
    await api.close();
  });

  it('is never recorded as started: no ExecutionStarted, no log line, one terminal event (cancelled)', async () => {
    const id = await createBuiltScript(api, {
      name: 'logs-then-returns',
      code: `export default () => { console.log('this run must leave no trace'); return 1; }`,
    });
    const queued = await api.api('POST', `/api/v1/scripts/${id}/runs`, {});
    expect(queued.status).toBe(202);
    const executionId = queued.body.executionId;
    expect((await api.api('POST', `/api/v1/executions/${executionId}/cancel`)).status).toBe(202);

    executor = await startPlatform(NAME, {
      fresh: false,
      roles: ['executor'],
      config: { databaseUrl: testDatabaseUrl(NAME) },
    });
    expect(await jobStateOnceSettled(api, executionId)).toBe('completed'); // the executor took the job and finished with it

    const events = await api.app
      .get(Database)
      .query(`SELECT event_type FROM events WHERE stream_id = $1 ORDER BY stream_version`, [
        `execution-${executionId}`,
      ]);
    expect(events.map((e: any) => e.event_type)).toEqual(['ExecutionQueued', 'ExecutionCancelled']);
    const logs = await api.api('GET', `/api/v1/executions/${executionId}/logs`);
    expect(logs.body.items).toEqual([]);
    expect((await api.api('GET', `/api/v1/executions/${executionId}`)).body.status).toBe('cancelled');
  });
});

describe('a job whose snapshot is stale, taken by an executor with a warm sandbox (real executor, PostgreSQL, Redis, bwrap)', () => {
  let p: TestPlatform;
  beforeAll(async () => {
    p = await startPlatform(`${NAME}_warm`, { roles: ['api', 'builder', 'executor'] });
  });
  afterAll(() => p.close());

  it('runs at once, finds the execution cancelled when recording it, and leaves no trace', async () => {
    const id = await createBuiltScript(p, {
      name: 'quick-logger',
      code: `export default () => { console.log('this run must leave no trace'); return 1; }`,
    });
    // A first run warms this version's sandboxes, so the next run finishes within milliseconds.
    expect((await p.api('POST', `/api/v1/scripts/${id}/runs`, { wait: true })).body.status).toBe('succeeded');

    // An execution queued and then cancelled, whose job still carries the queued snapshot.
    const executionId = randomUUID();
    const streamId = executionStreamId(executionId);
    const repo = p.app.get(AggregateRepository);
    const meta = { actor: 'test', correlationId: executionId, causationId: null };
    await repo.execute(
      streamId,
      executionAggregate,
      {
        type: 'QueueExecution',
        executionId,
        scriptId: id,
        version: 1,
        trigger: { type: 'manual' },
        input: null,
        maxAttempts: 1,
      },
      meta,
    );
    const { state: queued } = await repo.load<ExecutionState, any>(streamId, executionAggregate.evolve);
    await repo.execute(streamId, executionAggregate, { type: 'CancelExecution', reason: 'test' }, meta);
    await p.app.get(ExecutionRequests).enqueue(executionId, { state: queued!, version: 1 });

    expect(await jobStateOnceSettled(p, executionId)).toBe('completed');
    const events = await p.app
      .get(Database)
      .query(`SELECT event_type FROM events WHERE stream_id = $1 ORDER BY stream_version`, [streamId]);
    expect(events.map((e: any) => e.event_type)).toEqual(['ExecutionQueued', 'ExecutionCancelled']);
    await p.app.get(LogStore).flush();
    expect((await p.api('GET', `/api/v1/executions/${executionId}/logs`)).body.items).toEqual([]);
  });
});
