import type { LogLine } from '@runlet/contracts';
import type { PendingLine } from './log-sql';
import { LogWriter } from './log-writer';

const line = (seq: number): LogLine => ({
  seq,
  ts: '2025-01-01T00:00:00.000Z',
  level: 'info',
  stream: 'stdout',
  message: `m${seq}`,
});

/** An in-memory sink that records its batches and how many ran at once. */
function recordingSink(fail: (call: number) => boolean = () => false) {
  const batches: PendingLine[][] = [];
  let running = 0;
  let calls = 0;
  const state = { batches, maxConcurrent: 0, calls: () => calls };
  const sink = async (lines: PendingLine[]) => {
    calls++;
    running++;
    state.maxConcurrent = Math.max(state.maxConcurrent, running);
    await new Promise((r) => setImmediate(r));
    running--;
    if (fail(calls)) throw new Error(`sink failure ${calls}`);
    batches.push([...lines]);
  };
  return { sink, state };
}

describe('LogWriter', () => {
  it('writes batches of at most maxBatch, one at a time, in the order the lines came', async () => {
    const { sink, state } = recordingSink();
    const writer = new LogWriter(sink, { maxBatch: 7 });
    for (let seq = 0; seq < 100; seq++) writer.add(seq % 2 ? 'a' : 'b', line(seq));
    await writer.flush();
    expect(state.maxConcurrent).toBe(1);
    expect(state.batches.every((b) => b.length <= 7)).toBe(true);
    expect(state.batches.flat().map((p) => p.line.seq)).toEqual([...Array(100).keys()]);
  });

  it('flush(executionId) waits for that execution only and resolves at once when nothing is pending', async () => {
    const { sink, state } = recordingSink();
    const writer = new LogWriter(sink, { flushMs: 60_000 });
    await writer.flush('nothing');
    writer.add('a', line(0));
    writer.add('b', line(0));
    await writer.flush('a');
    expect(state.batches.flat().some((p) => p.executionId === 'a')).toBe(true);
    await writer.close();
    expect(state.batches.flat()).toHaveLength(2);
  });

  it('retries a failed batch and delivers it', async () => {
    const { sink, state } = recordingSink((call) => call === 1);
    const writer = new LogWriter(sink, { attempts: 3 });
    writer.add('a', line(0));
    await writer.flush('a');
    expect(state.calls()).toBe(2);
    expect(state.batches).toHaveLength(1);
  });

  it('gives a batch up after its attempts: flush rejects, onError hears, later batches still go', async () => {
    const errors: string[][] = [];
    const { sink, state } = recordingSink((call) => call === 1);
    const writer = new LogWriter(sink, { attempts: 1, onError: (_e, ids) => errors.push(ids) });
    writer.add('a', line(0));
    await expect(writer.flush('a')).rejects.toThrow('sink failure 1');
    expect(errors).toEqual([['a']]);
    writer.add('a', line(1));
    await writer.flush('a');
    expect(state.batches.flat().map((p) => p.line.seq)).toEqual([1]);
  });

  it('refuses lines after close', async () => {
    const writer = new LogWriter(recordingSink().sink);
    await writer.close();
    expect(() => writer.add('a', line(0))).toThrow('closed');
  });
});
