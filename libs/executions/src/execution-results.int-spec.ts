import { randomUUID } from 'node:crypto';
import { AggregateRepository, Database, EventStore } from '@runlet/event-store';
import { freshDatabase, REDIS_URL } from '@runlet/testing';
import { ExecutionResults } from './execution-results';
import { ExecutionView } from './execution-view';

const view = (id: string): ExecutionView => ({
  id,
  scriptId: 's',
  version: 1,
  trigger: { type: 'manual' },
  status: 'succeeded',
  input: null,
  result: 42,
  error: null,
  attempt: 1,
  queuedAt: new Date().toISOString(),
  startedAt: null,
  finishedAt: null,
  durationMs: 1,
});

describe('ExecutionResults (real Redis pub/sub)', () => {
  let db: Database;
  let api: ExecutionResults; // the waiting side
  let executor: ExecutionResults; // the announcing side, as in another process
  beforeAll(async () => {
    db = await freshDatabase('execution_results');
    const repo = new AggregateRepository(new EventStore(db));
    api = new ExecutionResults(REDIS_URL, repo);
    executor = new ExecutionResults(REDIS_URL, repo);
  });
  afterAll(async () => {
    await api.close();
    await executor.close();
    await db.close();
  });

  it('a result announced before the request waits (an executor faster than the queueing call) is not lost', async () => {
    const id = randomUUID();
    const listener = await api.listen(id);
    executor.publish(view(id));
    await new Promise((r) => setTimeout(r, 300)); // the announcement arrives before `result` is called
    const queued = { status: 'queued' } as any; // the request knows it just queued it
    expect(await listener.result(10_000, queued)).toMatchObject({ id, status: 'succeeded', result: 42 });
  });

  it('one listener gets its own execution only, and null once its wait is over', async () => {
    const mine = randomUUID();
    const listener = await api.listen(mine);
    executor.publish(view(randomUUID()));
    expect(await listener.result(500, { status: 'queued' } as any)).toBeNull();
  });

  it('an instance wakes its own waiters in-process and does not deliver its announcement again from Redis', async () => {
    const id = randomUUID();
    const first = await api.listen(id);
    api.publish(view(id));
    expect(await first.result(1000, { status: 'queued' } as any)).toMatchObject({ id, result: 42 });
    // A later waiter for the same id (a repeated request) is left to the store, not to the echo.
    const second = await api.listen(id);
    await new Promise((r) => setTimeout(r, 300)); // the echo has come back by now
    expect(await second.result(200, { status: 'queued' } as any)).toBeNull();
  });
});
