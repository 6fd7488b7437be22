import { StoredEvent } from '@runlet/event-store';
import { foldExecutionEvents } from './execution-row-changes';

let position = 0;
const event = (
  type: string,
  data: Record<string, unknown>,
  at = '2026-01-01T00:00:00.000Z',
): StoredEvent => ({
  position: ++position,
  streamId: `execution-${data.executionId}`,
  streamVersion: position,
  eventId: `e${position}`,
  type,
  schemaVersion: 1,
  data,
  metadata: { actor: 'test', correlationId: 'c', causationId: null },
  recordedAt: new Date(at),
});

describe('foldExecutionEvents (one row change per execution and batch)', () => {
  it('an execution queued, started and finished in one batch becomes one finished new row', () => {
    const { inserts, patches } = foldExecutionEvents([
      event('ExecutionQueued', {
        executionId: 'a',
        scriptId: 's',
        version: 2,
        trigger: { type: 'http', id: 't' },
        input: { n: 1 },
      }),
      event('ExecutionStarted', { executionId: 'a', attempt: 1 }, '2026-01-01T00:00:01.000Z'),
      event(
        'ExecutionSucceeded',
        { executionId: 'a', result: 42, durationMs: 7 },
        '2026-01-01T00:00:02.000Z',
      ),
    ]);
    expect(patches.size).toBe(0);
    expect(inserts).toEqual([
      expect.objectContaining({
        id: 'a',
        script_id: 's',
        trigger_type: 'http',
        trigger_id: 't',
        status: 'succeeded',
        attempt: 1,
        result: 42,
        duration_ms: 7,
        started_at: '2026-01-01T00:00:01.000Z',
        finished_at: '2026-01-01T00:00:02.000Z',
        queued_at: '2026-01-01T00:00:00.000Z',
      }),
    ]);
  });

  it('events of executions queued earlier become patches, the later event winning per column', () => {
    const { inserts, patches } = foldExecutionEvents([
      event('ExecutionStarted', { executionId: 'b', attempt: 1 }),
      event('ExecutionFailed', { executionId: 'b', willRetry: true, error: { message: 'boom' } }),
      event('ExecutionStarted', { executionId: 'b', attempt: 2 }),
      event('ExecutionCancelled', { executionId: 'c', durationMs: 3 }),
      event('ScriptCreated', { executionId: 'ignored' }),
    ]);
    expect(inserts).toEqual([]);
    expect(Object.fromEntries(patches)).toEqual({
      b: { status: 'running', attempt: 2, started_at: '2026-01-01T00:00:00.000Z', error: null },
      c: { status: 'cancelled', finished_at: '2026-01-01T00:00:00.000Z', duration_ms: 3 },
    });
  });
});
