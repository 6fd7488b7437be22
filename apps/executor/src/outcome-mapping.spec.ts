import { randomUUID } from 'node:crypto';
import { decideExecution, evolveExecutionEvents, ExecutionState, ValidationError } from '@runlet/domain';
import { StoredJsonError, STORED_MARK } from '@runlet/contracts';
import type { ExecutionOutcome } from '@runlet/runtime';
import { completionOf, decided, outcomeOfRun, startOf, unrecordableCompletion } from './outcome-mapping';

const at = '2026-01-01T00:00:00.000Z';

function queued(maxAttempts = 1): ExecutionState {
  const events = decideExecution(
    {
      type: 'QueueExecution',
      executionId: randomUUID(),
      scriptId: randomUUID(),
      version: 1,
      trigger: { type: 'manual' },
      input: null,
      maxAttempts,
    },
    undefined,
  );
  return evolveExecutionEvents(undefined, events, at)!;
}

function running(maxAttempts = 1): ExecutionState {
  return startOf(queued(maxAttempts), at)!.state;
}

const run = (o: Partial<ExecutionOutcome>): ExecutionOutcome => ({
  status: 'succeeded',
  startedAt: new Date(at),
  finishedAt: new Date(at),
  durationMs: 7,
  logsTruncated: false,
  ...o,
});

describe('outcome mapping', () => {
  it("maps the runtime's outcomes, filling in what the runtime left out", () => {
    expect(outcomeOfRun(run({ status: 'succeeded' }), 5000)).toEqual({
      status: 'succeeded',
      result: null,
      durationMs: 7,
    });
    expect(outcomeOfRun(run({ status: 'succeeded', result: { a: 1 } }), 5000)).toMatchObject({
      result: { a: 1 },
    });
    expect(outcomeOfRun(run({ status: 'cancelled' }), 5000)).toEqual({
      status: 'cancelled',
      reason: 'cancelled by request',
      durationMs: 7,
    });
    expect(outcomeOfRun(run({ status: 'timed_out' }), 5000)).toEqual({
      status: 'timed_out',
      error: { message: 'timed out after 5000 ms' },
      durationMs: 7,
    });
    expect(outcomeOfRun(run({ status: 'failed', error: { message: 'boom', stack: 's' } }), 5000)).toEqual({
      status: 'failed',
      error: { message: 'boom', stack: 's' },
      durationMs: 7,
    });
    expect(outcomeOfRun(run({ status: 'failed' }), 5000)).toMatchObject({ error: { message: 'failed' } });
  });

  it('starts the next attempt of a queued execution, and refuses to start a finished one', () => {
    const start = startOf(queued(), at)!;
    expect(start.events).toEqual([
      { type: 'ExecutionStarted', data: expect.objectContaining({ attempt: 1 }) },
    ]);
    expect(start.state).toMatchObject({ status: 'running', attempt: 1, startedAt: at });
    const done = evolveExecutionEvents(
      start.state,
      decided(start.state, completionOf(1, { status: 'succeeded', result: 1, durationMs: 1 }, 1))!,
      at,
    );
    expect(startOf(done, at)).toBeNull();
    expect(startOf(undefined, at)).toBeNull();
  });

  it('records what the script produced in stored form', () => {
    const state = running();
    const events = decided(
      state,
      completionOf(1, { status: 'succeeded', result: { text: 'a\u0000b' }, durationMs: 3 }, 1),
    )!;
    expect(events).toEqual([
      {
        type: 'ExecutionSucceeded',
        data: expect.objectContaining({ attempt: 1, result: { text: `a${STORED_MARK}0b` }, durationMs: 3 }),
      },
    ]);
    const failed = decided(
      state,
      completionOf(1, { status: 'failed', error: { message: 'x\u0000' }, durationMs: 3 }, 1),
    )!;
    expect(failed[0].data).toMatchObject({ error: { message: `x${STORED_MARK}0` } });
  });

  it('an outcome with no stored form cannot become a command', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 1100; i++) deep = [deep];
    expect(() => completionOf(1, { status: 'succeeded', result: deep, durationMs: 1 }, 1)).toThrow(
      StoredJsonError,
    );
  });

  it("a failed attempt with attempts left in the script's policy goes back to queued", () => {
    const state = running(3);
    const events = decided(
      state,
      completionOf(1, { status: 'failed', error: { message: 'e' }, durationMs: 1 }, 3),
    )!;
    expect(events[0]).toMatchObject({ type: 'ExecutionFailed', data: { willRetry: true } });
    expect(evolveExecutionEvents(state, events, at)).toMatchObject({ status: 'queued', attempt: 1 });
  });

  it('an unrecordable outcome becomes a failure for good, with a system line after the last one', () => {
    const state = running(3);
    const outcome = { status: 'succeeded' as const, result: {}, durationMs: 9 };
    const instead = unrecordableCompletion(1, outcome, 'value too long\u0000', 4, at);
    expect(instead.message).toBe("The execution's result could not be recorded: value too long\u0000");
    expect(instead.line).toEqual({
      seq: 5,
      ts: at,
      level: 'error',
      stream: 'system',
      message: instead.message,
    });
    const events = decided(state, instead.command)!;
    expect(events[0]).toMatchObject({
      type: 'ExecutionFailed',
      data: {
        willRetry: false,
        durationMs: 9,
        error: { message: `The execution's result could not be recorded: value too long${STORED_MARK}0` },
      },
    });
    // An error that could not be recorded says so; with no line yet, the line opens the attempt's range.
    const second = unrecordableCompletion(
      2,
      { status: 'failed', error: {}, durationMs: 1 } as any,
      'r',
      -1,
      at,
    );
    expect(second.message).toBe("The execution's error could not be recorded: r");
    expect(second.line.seq).toBe(1_000_000);
  });

  it('a command the execution has moved past is refused (null); a malformed one still throws', () => {
    const state = running();
    expect(decided(state, completionOf(2, { status: 'succeeded', result: 1, durationMs: 1 }, 1))).toBeNull();
    expect(decided(queued(), { type: 'CompleteExecution', attempt: 1, outcome: {} as any })).toBeNull();
    expect(() => decided(queued(), { type: 'StartExecution', attempt: 0 })).toThrow(ValidationError);
  });
});
