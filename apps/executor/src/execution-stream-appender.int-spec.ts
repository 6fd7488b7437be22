import { randomUUID } from 'node:crypto';
import { decideExecution, domainUpcasters, evolveExecutionEvents, executionStreamId } from '@runlet/domain';
import { Database, EventMetadata, EventStore } from '@runlet/event-store';
import { LogLine } from '@runlet/contracts';
import { LogStore, logLinesAttachment, logsMigrations } from '@runlet/logs';
import { freshDatabase, REDIS_URL } from '@runlet/testing';
import { ExecutionStreamAppender, PendingQueueing, StreamState } from './execution-stream-appender';
import { startOf } from './outcome-mapping';

const line = (seq: number, message: string): LogLine => ({
  seq,
  ts: new Date().toISOString(),
  level: 'info',
  stream: 'stdout',
  message,
});

describe('ExecutionStreamAppender (real PostgreSQL)', () => {
  let db: Database;
  let store: EventStore;
  let logs: LogStore;

  beforeAll(async () => {
    db = await freshDatabase('stream_appender', logsMigrations);
    store = new EventStore(db, { attachment: logLinesAttachment, upcasters: domainUpcasters });
    logs = new LogStore(db, REDIS_URL);
  });
  afterAll(async () => {
    await logs.close();
    await db.close();
  });

  /** An execution decided as queued (recorded unless `unrecorded`), with its metadata. */
  function queueing(maxAttempts = 1) {
    const id = randomUUID();
    const events = decideExecution(
      {
        type: 'QueueExecution',
        executionId: id,
        scriptId: null,
        version: 0,
        trigger: { type: 'try' },
        input: null,
        maxAttempts,
      },
      undefined,
    );
    const metadata: EventMetadata = { actor: 'test', correlationId: id, causationId: null };
    const state = evolveExecutionEvents(undefined, events, new Date().toISOString())!;
    return { id, events, metadata, state };
  }

  async function queued(
    maxAttempts = 1,
  ): Promise<{ id: string; from: StreamState; metadata: EventMetadata }> {
    const q = queueing(maxAttempts);
    await store.append({
      streamId: executionStreamId(q.id),
      expectedVersion: 0,
      events: q.events,
      metadata: q.metadata,
    });
    return { id: q.id, from: { state: q.state, version: 1 }, metadata: q.metadata };
  }

  const appender = (id: string, from: StreamState, metadata: EventMetadata, pending?: PendingQueueing) =>
    new ExecutionStreamAppender(store, logs, id, from, metadata, pending);

  const typesOf = async (id: string) => (await store.readStream(executionStreamId(id))).map((e) => e.type);
  const linesOf = async (id: string) => (await logs.read(id)).items.map((l) => [l.seq, l.stream, l.message]);

  it("appends each step at the version it holds, and stores the outcome's lines with it", async () => {
    const { id, from, metadata } = await queued();
    const stream = appender(id, from, metadata);
    const start = startOf(from.state, new Date().toISOString())!;
    const started = await stream.append(start.events);
    expect(started).toMatchObject({ version: 2, state: { status: 'running', attempt: 1 } });
    const recorded = await stream.recordOutcome({
      state: started!.state!,
      outcome: { status: 'succeeded', result: { n: 42 }, durationMs: 5 },
      maxAttempts: 1,
      unsent: [],
      lines: [line(1, 'hello')],
      lastSeq: 1,
    });
    expect(recorded!.stream).toMatchObject({ version: 3, state: { status: 'succeeded', result: { n: 42 } } });
    expect(recorded!.stored.map((l) => l.message)).toEqual(['hello']);
    expect(await typesOf(id)).toEqual(['ExecutionQueued', 'ExecutionStarted', 'ExecutionSucceeded']);
    expect(await linesOf(id)).toEqual([[1, 'stdout', 'hello']]);
  });

  it('a holder of a version the stream has moved past records nothing: the conflict is reported, not thrown', async () => {
    const { id, from, metadata } = await queued();
    const first = appender(id, from, metadata);
    const second = appender(id, from, metadata); // a duplicate job, with the same snapshot
    const start = startOf(from.state, new Date().toISOString())!;
    expect(await first.append(start.events)).not.toBeNull();
    expect(await second.append(start.events)).toBeNull();
    // A quick run's outcome, with its ExecutionStarted: refused as a whole, lines and all.
    const quick = await second.recordOutcome({
      state: start.state,
      outcome: { status: 'succeeded', result: 1, durationMs: 1 },
      maxAttempts: 1,
      unsent: start.events,
      lines: [line(1, 'second run')],
      lastSeq: 1,
    });
    expect(quick).toBeNull();
    expect(await typesOf(id)).toEqual(['ExecutionQueued', 'ExecutionStarted']);
    expect(await linesOf(id)).toEqual([]);
  });

  it('an outcome with no stored form is recorded as a failure for good, with a system line saying why', async () => {
    const { id, from, metadata } = await queued(3);
    const start = startOf(from.state, new Date().toISOString())!;
    let deep: unknown = 'bottom';
    for (let i = 0; i < 1100; i++) deep = { deep };
    const recorded = await appender(id, from, metadata).recordOutcome({
      state: start.state,
      outcome: { status: 'succeeded', result: deep, durationMs: 1 },
      maxAttempts: 3, // a retry would end the same way
      unsent: start.events,
      lines: [line(1, 'ran')],
      lastSeq: 1,
    });
    const message = "The execution's result could not be recorded: nested deeper than 1000 levels";
    expect(recorded!.stream.state).toMatchObject({ status: 'failed', attempt: 1, error: { message } });
    const events = await store.readStream(executionStreamId(id));
    expect(events.map((e) => e.type)).toEqual(['ExecutionQueued', 'ExecutionStarted', 'ExecutionFailed']);
    expect(events[2].data).toMatchObject({ willRetry: false });
    expect(await linesOf(id)).toEqual([
      [1, 'stdout', 'ran'],
      [2, 'system', message],
    ]);
  });

  describe('when the store refuses an append', () => {
    afterEach(() => db.query(`ALTER TABLE events DROP CONSTRAINT IF EXISTS refuse_for_test`));

    it('an outcome the store refuses is recorded as a failure instead', async () => {
      const { id, from, metadata } = await queued();
      await db.query(
        `ALTER TABLE events ADD CONSTRAINT refuse_for_test CHECK (NOT coalesce(data->'result' ? 'refuseMe', false))`,
      );
      const start = startOf(from.state, new Date().toISOString())!;
      const recorded = await appender(id, from, metadata).recordOutcome({
        state: start.state,
        outcome: { status: 'succeeded', result: { refuseMe: true }, durationMs: 1 },
        maxAttempts: 1,
        unsent: start.events,
        lines: [],
        lastSeq: -1,
      });
      expect(recorded!.stream.state!.status).toBe('failed');
      expect(recorded!.stream.state!.error!.message).toMatch(
        /^The execution's result could not be recorded: .*refuse_for_test/,
      );
      expect(await typesOf(id)).toEqual(['ExecutionQueued', 'ExecutionStarted', 'ExecutionFailed']);
      expect(await linesOf(id)).toEqual([[0, 'system', recorded!.stream.state!.error!.message]]);
    });

    it('when the failure cannot be recorded either, the error is thrown and nothing is stored', async () => {
      const { id, from, metadata } = await queued();
      await db.query(
        `ALTER TABLE events ADD CONSTRAINT refuse_for_test
           CHECK (NOT (event_type IN ('ExecutionSucceeded', 'ExecutionFailed') AND data->>'executionId' = '${id}'))`,
      );
      const start = startOf(from.state, new Date().toISOString())!;
      const recording = appender(id, from, metadata).recordOutcome({
        state: start.state,
        outcome: { status: 'succeeded', result: 1, durationMs: 1 },
        maxAttempts: 1,
        unsent: start.events,
        lines: [line(1, 'ran')],
        lastSeq: 1,
      });
      await expect(recording).rejects.toThrow(/refuse_for_test/);
      expect(await typesOf(id)).toEqual(['ExecutionQueued']);
      expect(await linesOf(id)).toEqual([]);
    });
  });

  it("records a pending queueing with the attempt's first append, and tells who waits; a second one for the same execution is refused", async () => {
    const q = queueing();
    const settled: unknown[] = [];
    const pending = (): PendingQueueing => ({
      events: q.events.map((event) => ({ ...event, metadata: q.metadata })),
      settle: (err) => settled.push(err),
    });
    const from = { state: q.state, version: q.events.length };
    const start = startOf(q.state, new Date().toISOString())!;
    const ending = {
      state: start.state,
      outcome: { status: 'succeeded' as const, result: 'ok', durationMs: 1 },
      maxAttempts: 1,
      unsent: start.events,
      lines: [line(1, 'quick')],
      lastSeq: 1,
    };
    const first = pending();
    const recorded = await appender(q.id, from, q.metadata, first).recordOutcome(ending);
    expect(recorded!.stream).toMatchObject({ version: 3, state: { status: 'succeeded', result: 'ok' } });
    expect(first.recorded).toBe(true);
    expect(settled).toEqual([undefined]);

    const again = pending();
    expect(await appender(q.id, from, q.metadata, again).recordOutcome(ending)).toBeNull();
    expect(again.recorded).toBe(false);
    expect(settled[1]).toEqual(new Error(`execution ${q.id} already exists`));
    expect(await typesOf(q.id)).toEqual(['ExecutionQueued', 'ExecutionStarted', 'ExecutionSucceeded']);
    expect(await linesOf(q.id)).toEqual([[1, 'stdout', 'quick']]);
  });
});
