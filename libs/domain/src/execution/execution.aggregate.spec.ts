import { ConflictError } from '../common/errors';
import { decideExecution, evolveExecutionEvents } from './execution.aggregate';
import { ExecutionCommand, ExecutionEvent, ExecutionState } from './execution.types';

function given(...events: ExecutionEvent[]) {
  const state = evolveExecutionEvents(undefined, events, '2026-01-01T00:00:00Z');
  return { state, when: (c: ExecutionCommand) => decideExecution(c, state) };
}

const queued = decideExecution(
  {
    type: 'QueueExecution',
    executionId: 'e1',
    scriptId: 's1',
    version: 3,
    trigger: { type: 'manual' },
    input: { a: 1 },
    maxAttempts: 2,
  },
  undefined,
);
const started1 = given(...queued).when({ type: 'StartExecution', attempt: 1 });

describe('Execution aggregate', () => {
  it('queue → start → succeed, then nothing more is accepted', () => {
    const done = given(...queued, ...started1).when({
      type: 'CompleteExecution',
      attempt: 1,
      outcome: { status: 'succeeded', result: 42, durationMs: 5 },
    });
    expect(done).toEqual([
      {
        type: 'ExecutionSucceeded',
        data: { executionId: 'e1', scriptId: 's1', attempt: 1, result: 42, durationMs: 5 },
      },
    ]);
    const g = given(...queued, ...started1, ...done);
    expect(g.state?.status).toBe('succeeded');
    expect(() => g.when({ type: 'StartExecution', attempt: 2 })).toThrow(/already succeeded/);
    expect(() => g.when({ type: 'CancelExecution', reason: 'x' })).toThrow(ConflictError);
  });

  it('a failure with attempts left is retried; the last failure is final', () => {
    const fail = (attempt: number, g: ReturnType<typeof given>) =>
      g.when({
        type: 'CompleteExecution',
        attempt,
        outcome: { status: 'failed', error: { message: 'boom' }, durationMs: 1 },
      });
    const f1 = fail(1, given(...queued, ...started1));
    expect(f1[0].data).toMatchObject({ willRetry: true });
    const afterF1 = given(...queued, ...started1, ...f1);
    expect(afterF1.state?.status).toBe('queued');
    const started2 = afterF1.when({ type: 'StartExecution', attempt: 2 });
    const f2 = fail(2, given(...queued, ...started1, ...f1, ...started2));
    expect(f2[0].data).toMatchObject({ willRetry: false });
    expect(given(...queued, ...started1, ...f1, ...started2, ...f2).state?.status).toBe('failed');
  });

  it('a completion from an attempt that is no longer the running one is refused', () => {
    const started2: ExecutionEvent[] = [
      { type: 'ExecutionStarted', data: { executionId: 'e1', scriptId: 's1', attempt: 2 } },
    ];
    const g = given(...queued, ...started1, ...started2);
    expect(() =>
      g.when({
        type: 'CompleteExecution',
        attempt: 1,
        outcome: { status: 'succeeded', result: 1, durationMs: 1 },
      }),
    ).toThrow(/not the running one/);
  });

  it('queued by a trigger → TriggerFired and ExecutionQueued in one decision; a second firing conflicts', () => {
    const events = decideExecution(
      {
        type: 'QueueExecution',
        executionId: 'e2',
        scriptId: 's1',
        version: 1,
        trigger: { type: 'cron', id: 't1', scheduledAt: '2026-01-01T00:00:00.000Z' },
        input: null,
        maxAttempts: 1,
        fired: {
          triggerId: 't1',
          source: 'cron',
          scheduledAt: '2026-01-01T00:00:00.000Z',
          firedAt: '2026-01-01T00:00:00.010Z',
        },
      },
      undefined,
    );
    expect(events.map((e) => e.type)).toEqual(['TriggerFired', 'ExecutionQueued']);
    expect(events[0].data).toMatchObject({
      executionId: 'e2',
      triggerId: 't1',
      scheduledAt: '2026-01-01T00:00:00.000Z',
    });
    const g = given(...events);
    expect(g.state?.status).toBe('queued');
    expect(() => g.when({ type: 'QueueExecution', ...(events[1].data as any) })).toThrow(ConflictError);
  });

  it('the same attempt cannot start twice', () => {
    expect(() => given(...queued, ...started1).when({ type: 'StartExecution', attempt: 1 })).toThrow(
      /already started/,
    );
  });

  it('timed out and cancelled are terminal; skipped only from queued', () => {
    const timedOut = given(...queued, ...started1).when({
      type: 'CompleteExecution',
      attempt: 1,
      outcome: { status: 'timed_out', error: { message: 'timed out after 100 ms' }, durationMs: 100 },
    });
    expect(given(...queued, ...started1, ...timedOut).state?.status).toBe('timed_out');
    expect(given(...queued).when({ type: 'SkipExecution', reason: 'overlap' })[0].type).toBe(
      'ExecutionSkipped',
    );
    expect(() => given(...queued, ...started1).when({ type: 'SkipExecution', reason: 'x' })).toThrow(
      ConflictError,
    );
    const cancelled = given(...queued).when({ type: 'CancelExecution', reason: 'by user' });
    expect(given(...queued, ...cancelled).state?.status).toBe('cancelled');
  });

  it("one append's events lead to one state, each stamped with the append's time", () => {
    const at = '2026-03-04T05:06:07.000Z';
    const state: ExecutionState | undefined = evolveExecutionEvents(undefined, [...queued, ...started1], at);
    expect(state).toMatchObject({ id: 'e1', status: 'running', attempt: 1, queuedAt: at, startedAt: at });
    expect(evolveExecutionEvents(state, [], at)).toBe(state);
  });
});

describe('Execution commands are checked in decide', () => {
  const queue = (fields: object) => () =>
    decideExecution(
      {
        type: 'QueueExecution',
        executionId: 'e',
        scriptId: 's',
        version: 1,
        trigger: { type: 'manual' },
        input: null,
        maxAttempts: 1,
        ...fields,
      } as ExecutionCommand,
      undefined,
    );

  it('a queue command with odd ids, versions, triggers or firing times → validation error', () => {
    expect(queue({ executionId: '' })).toThrow(/executionId must not be empty/);
    expect(queue({ scriptId: 'a\u0000' })).toThrow(/scriptId must not contain NUL/);
    expect(queue({ version: -1 })).toThrow(/version/);
    expect(queue({ maxAttempts: 0 })).toThrow(/maxAttempts/);
    expect(queue({ trigger: { type: 'email' } })).toThrow(/trigger.type must be one of/);
    expect(queue({ trigger: { type: 'cron', scheduledAt: 'soon' } })).toThrow(/trigger.scheduledAt/);
    expect(queue({ fired: { triggerId: 't', source: 'cron', firedAt: 'never' } })).toThrow(/fired.firedAt/);
    expect(queue({ limits: { timeoutMs: 1000, memoryMb: 64, network: 'lan' } })).toThrow(/limits.network/);
    expect(queue({ scriptId: null, version: 0, trigger: { type: 'try' } })).not.toThrow();
  });

  it('an outcome is recorded whatever its shape: whole non-negative ms, an error of strings', () => {
    const running = given(...queued, ...started1);
    const [failed] = running.when({
      type: 'CompleteExecution',
      attempt: 1,
      outcome: { status: 'failed', error: { message: 42 } as any, durationMs: 3.7 },
      maxAttempts: 1,
    });
    expect(failed.data).toMatchObject({ error: { message: '42' }, durationMs: 4 });
    const [timedOut] = running.when({
      type: 'CompleteExecution',
      attempt: 1,
      outcome: { status: 'timed_out', error: 'slow' as any, durationMs: Number.NaN },
    });
    expect(timedOut.data).toMatchObject({ error: { message: 'slow' }, durationMs: 0 });
    expect(() =>
      running.when({ type: 'CompleteExecution', attempt: 1, outcome: { status: 'lost' } as any }),
    ).toThrow(/outcome.status/);
  });

  it('a start with a non-integer attempt or a cancel without a reason → validation error', () => {
    expect(() => given(...queued).when({ type: 'StartExecution', attempt: 1.5 })).toThrow(/attempt/);
    expect(() => given(...queued).when({ type: 'CancelExecution', reason: null } as any)).toThrow(/reason/);
  });
});
