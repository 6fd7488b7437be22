import { randomUUID } from 'node:crypto';
import { decideExecution, evolveExecution, executionStreamId } from '@runlet/domain';
import { RetryAttempt } from './retry-policy';
import { TestExecutor } from './test-executor';

const QUICK = `export default () => { console.log('ran'); return { n: 1 }; };`;
/** Runs until cancelled. */
const ENDLESS = `export default () => new Promise(() => setInterval(() => {}, 1000));`;

describe('ExecutionAttempts (real PostgreSQL, Redis and sandbox)', () => {
  let t: TestExecutor;
  beforeAll(async () => {
    t = await TestExecutor.start('execution_attempts');
  });
  afterAll(() => t.close());

  it('records the start, the outcome and the lines of a run, and announces the result', async () => {
    const { id, from } = await t.queued(QUICK);
    const listener = await t.results.listen(id);
    expect(await t.attempts.run({ executionId: id, jobId: 'job-1' }, from)).toBe('finished');
    const events = await t.events(id);
    expect(events.map((e) => e.type)).toEqual(['ExecutionQueued', 'ExecutionStarted', 'ExecutionSucceeded']);
    expect(events[2].data).toMatchObject({ attempt: 1, result: { n: 1 } });
    expect(events[1].metadata).toMatchObject({ actor: 'system:test-executor', jobId: 'job-1' });
    expect(await t.lines(id)).toEqual([[1, 'stdout', 'ran']]);
    expect(await listener.result(10_000, from.state)).toMatchObject({
      id,
      status: 'succeeded',
      result: { n: 1 },
    });
  });

  it('a run that outlasts the quick window shows as running, and a cancel ends it as cancelled', async () => {
    const { id, from } = await t.queued(ENDLESS);
    let longRun = false;
    const attempt = t.attempts.run(
      { executionId: id, jobId: undefined, onLongRun: () => (longRun = true) },
      from,
    );
    await t.until(id, 'ExecutionStarted');
    expect(longRun).toBe(true);
    expect((await t.events(id)).map((e) => e.type)).toEqual(['ExecutionQueued', 'ExecutionStarted']);
    await t.cancel(id);
    expect(await attempt).toBe('finished');
    const events = await t.events(id);
    expect(events.map((e) => e.type)).toEqual(['ExecutionQueued', 'ExecutionStarted', 'ExecutionCancelled']);
    expect(events[2].data).toMatchObject({ reason: 'cancelled by request' });
  });

  it('an attempt from a snapshot the stream has moved past records nothing, not even its start or its lines', async () => {
    const { id, from } = await t.queued(QUICK);
    const cancel = decideExecution({ type: 'CancelExecution', reason: 'by a user' }, from.state);
    await t.store.appendToStream(executionStreamId(id), from.version, cancel, {
      actor: 'user',
      correlationId: id,
      causationId: null,
    });
    expect(await t.attempts.run({ executionId: id, jobId: 'stale' }, from)).toBe('conflict');
    expect((await t.events(id)).map((e) => e.type)).toEqual(['ExecutionQueued', 'ExecutionCancelled']);
    expect(await t.lines(id)).toEqual([]);
  });

  it('a run whose execution was ended by someone else meanwhile records no second outcome', async () => {
    const { id, from } = await t.queued(ENDLESS);
    const attempt = t.attempts.run({ executionId: id, jobId: undefined }, from);
    await t.until(id, 'ExecutionStarted');
    const loaded = await t.repo.load(executionStreamId(id), evolveExecution);
    const cancel = decideExecution({ type: 'CancelExecution', reason: 'by a user' }, loaded.state);
    await t.store.appendToStream(executionStreamId(id), loaded.version, cancel, {
      actor: 'user',
      correlationId: id,
      causationId: null,
    });
    await t.cancel(id); // stops the sandbox; its outcome finds the stream moved on
    expect(await attempt).toBe('done');
    const events = await t.events(id);
    expect(events.map((e) => e.type)).toEqual(['ExecutionQueued', 'ExecutionStarted', 'ExecutionCancelled']);
    expect(events[2].metadata.actor).toBe('user');
  });

  it("a failed attempt with attempts left in its version's policy asks for a retry; the next attempt's lines follow", async () => {
    const version = await t.version(
      `export default () => { console.log('try'); throw new Error('nope'); };`,
      2,
    );
    const { id, from } = await t.queued(version);
    const first = t.attempts.run({ executionId: id, jobId: undefined }, from);
    await expect(first).rejects.toEqual(new RetryAttempt('attempt 1 failed: nope', 1));
    const queuedAgain = await t.repo.load(executionStreamId(id), evolveExecution);
    expect(queuedAgain.state).toMatchObject({ status: 'queued', attempt: 1 });
    expect(await t.attempts.run({ executionId: id, jobId: undefined }, queuedAgain)).toBe('finished');
    const events = await t.events(id);
    expect(events.map((e) => [e.type, e.data.attempt, e.data.willRetry])).toEqual([
      ['ExecutionQueued', undefined, undefined],
      ['ExecutionStarted', 1, undefined],
      ['ExecutionFailed', 1, true],
      ['ExecutionStarted', 2, undefined],
      ['ExecutionFailed', 2, false],
    ]);
    expect(await t.lines(id)).toEqual([
      [1, 'stdout', 'try'],
      [1_000_001, 'stdout', 'try'],
    ]);
  });

  it('a version with no successful build fails its attempt, saying so in a system line', async () => {
    const scriptId = randomUUID();
    const { id, from } = await t.queued({ scriptId, version: 3, maxAttempts: 2 });
    expect(await t.attempts.run({ executionId: id, jobId: undefined }, from)).toBe('finished');
    const message = `version 3 of script ${scriptId} has no successful build`;
    expect((await t.events(id)).at(-1)).toMatchObject({
      type: 'ExecutionFailed',
      data: { error: { message }, willRetry: false },
    });
    expect(await t.lines(id)).toEqual([[0, 'system', message]]);
  });
});
