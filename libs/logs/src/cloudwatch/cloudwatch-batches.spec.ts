import {
  CloudWatchEvent,
  EVENT_OVERHEAD_BYTES,
  MAX_BATCH_BYTES,
  MAX_BATCH_EVENTS,
  MAX_BATCH_SPAN_MS,
  MAX_EVENT_BYTES,
  nextBatch,
  splitIntoBatches,
  toCloudWatchEvent,
} from './cloudwatch-batches';

const T0 = Date.UTC(2025, 0, 1);
const event = (timestamp: number, size = 10, tag = ''): CloudWatchEvent => ({
  timestamp,
  message: tag || 'x'.repeat(size),
  bytes: (tag ? Buffer.byteLength(tag) : size) + EVENT_OVERHEAD_BYTES,
});
const batchBytes = (b: CloudWatchEvent[]) => b.reduce((n, e) => n + e.bytes, 0);

describe('CloudWatch batching rules', () => {
  it('at most 10,000 events per batch, every event once and in order', () => {
    const queue = Array.from({ length: 25_000 }, (_, i) => event(T0 + i, 10, `m${i}`));
    const batches = splitIntoBatches(queue);
    expect(batches.map((b) => b.length)).toEqual([MAX_BATCH_EVENTS, MAX_BATCH_EVENTS, 5_000]);
    expect(batches.flat().map((e) => e.message)).toEqual(queue.map((e) => e.message));
  });

  it('at most 1,048,576 bytes per batch, counting 26 bytes per event', () => {
    // 1000 events of 1,000 bytes + 26 = 1,026,000 bytes fit; the 1023rd would not (1023 × 1026 > 1 MiB).
    const queue = Array.from({ length: 3000 }, (_, i) => event(T0 + i, 1000));
    const batches = splitIntoBatches(queue);
    expect(batches[0].length).toBe(Math.floor(MAX_BATCH_BYTES / 1026));
    expect(batches.every((b) => batchBytes(b) <= MAX_BATCH_BYTES)).toBe(true);
    expect(batches.flat()).toHaveLength(3000);
  });

  it('a batch exactly at the byte limit is one batch', () => {
    const size = MAX_BATCH_BYTES / 4 - EVENT_OVERHEAD_BYTES;
    expect(splitIntoBatches([0, 1, 2, 3].map((i) => event(T0 + i, size))).map((b) => b.length)).toEqual([4]);
    expect(splitIntoBatches([0, 1, 2, 3].map((i) => event(T0 + i, size + 1))).map((b) => b.length)).toEqual([
      3, 1,
    ]);
  });

  it('sorts a batch chronologically, keeping the written order of lines with one timestamp', () => {
    const queue = [
      event(T0 + 5, 0, 'c'),
      event(T0 + 1, 0, 'a1'),
      event(T0 + 5, 0, 'd'),
      event(T0 + 1, 0, 'a2'),
    ];
    const { batch, rest } = nextBatch(queue);
    expect(batch.map((e) => e.message)).toEqual(['a1', 'a2', 'c', 'd']);
    expect(rest).toEqual([]);
  });

  it('no batch spans more than 24 hours: later events wait for the next batch, in queue order', () => {
    const queue = [
      event(T0, 0, 'a'),
      event(T0 + MAX_BATCH_SPAN_MS + 1, 0, 'late1'),
      event(T0 + 1000, 0, 'b'),
      event(T0 + MAX_BATCH_SPAN_MS, 0, 'edge'),
      event(T0 + MAX_BATCH_SPAN_MS + 2, 0, 'late2'),
    ];
    const batches = splitIntoBatches(queue);
    expect(batches.map((b) => b.map((e) => e.message))).toEqual([
      ['a', 'b', 'edge'],
      ['late1', 'late2'],
    ]);
    for (const b of batches)
      expect(b[b.length - 1].timestamp - b[0].timestamp).toBeLessThanOrEqual(MAX_BATCH_SPAN_MS);
  });

  it('an event is a JSON line naming execution, seq, level and stream, sized in UTF-8 bytes', () => {
    const e = toCloudWatchEvent({
      executionId: 'e1',
      scriptId: 's1',
      line: { seq: 7, ts: '2025-01-01T00:00:00.123Z', level: 'warn', stream: 'stderr', message: 'héllo ✓' },
    });
    expect(e.timestamp).toBe(Date.UTC(2025, 0, 1, 0, 0, 0, 123));
    expect(JSON.parse(e.message)).toEqual({
      executionId: 'e1',
      seq: 7,
      level: 'warn',
      stream: 'stderr',
      message: 'héllo ✓',
    });
    expect(e.bytes).toBe(Buffer.byteLength(e.message) + 26);
  });

  it('cuts a message too long for one event and says so', () => {
    const message = '✓'.repeat(200_000); // 600,000 bytes
    const e = toCloudWatchEvent({
      executionId: 'e1',
      line: { seq: 0, ts: '2025-01-01T00:00:00Z', level: 'info', stream: 'stdout', message },
    });
    const parsed = JSON.parse(e.message);
    expect(e.bytes).toBeLessThanOrEqual(MAX_EVENT_BYTES);
    expect(parsed.truncated).toBe(true);
    expect(message.startsWith(parsed.message)).toBe(true);
    expect(parsed.message.length).toBeGreaterThan(80_000);
  });
});
