import type { PendingLine } from '../log-sql';

// PutLogEvents' limits (CloudWatch Logs API reference, "PutLogEvents").
export const MAX_BATCH_EVENTS = 10_000;
export const MAX_BATCH_BYTES = 1_048_576;
/** Counted for each event on top of its message's UTF-8 bytes. */
export const EVENT_OVERHEAD_BYTES = 26;
/** The events of one request may span at most 24 hours. */
export const MAX_BATCH_SPAN_MS = 24 * 3600 * 1000;
/** One event, overhead included: 256 KiB (the long-standing limit; newer accounts allow more). */
export const MAX_EVENT_BYTES = 262_144;

/** A log line as it is sent, with its size as CloudWatch counts it. */
export interface CloudWatchEvent {
  timestamp: number;
  message: string;
  /** UTF-8 bytes of `message` plus EVENT_OVERHEAD_BYTES. */
  bytes: number;
}

/** The stream of a script's lines within the installation's group. */
export const scriptStreamName = (scriptId: string): string => `script-${scriptId}`;

const eventBytes = (message: string) => Buffer.byteLength(message, 'utf8') + EVENT_OVERHEAD_BYTES;

/**
 * A stored line as one CloudWatch event: a JSON object naming its execution, seq, level and
 * stream (a script's stream holds the lines of all its executions), timestamped with the line's
 * ts. A message too long for one event is cut (`truncated: true`), never split or dropped.
 */
export function toCloudWatchEvent({ executionId, line }: PendingLine): CloudWatchEvent {
  const timestamp = Date.parse(line.ts);
  const envelope = { executionId, seq: line.seq, level: line.level, stream: line.stream };
  let message = JSON.stringify({ ...envelope, message: line.message });
  let bytes = eventBytes(message);
  if (bytes <= MAX_EVENT_BYTES) return { timestamp, message, bytes };
  let text = line.message;
  while (bytes > MAX_EVENT_BYTES) {
    // Shrinks in proportion to the excess (JSON escapes make bytes per character vary), then rechecks.
    let keep = Math.floor(text.length * (MAX_EVENT_BYTES / bytes) * 0.98);
    if (keep > 0 && /[\ud800-\udbff]/.test(text[keep - 1])) keep--; // never half a surrogate pair
    text = text.slice(0, keep);
    message = JSON.stringify({ ...envelope, message: text, truncated: true });
    bytes = eventBytes(message);
  }
  return { timestamp, message, bytes };
}

/**
 * The next batch from the head of a stream's queue, within every PutLogEvents rule: at most
 * MAX_BATCH_EVENTS events and MAX_BATCH_BYTES bytes, in chronological order (a stable sort, so
 * lines with one timestamp keep the order they were written in), spanning at most 24 hours.
 * Whatever the batch leaves (also events it took but that would stretch it past 24 h) is `rest`,
 * in queue order. Taking from the head keeps each execution's lines in order across batches.
 */
export function nextBatch(queue: readonly CloudWatchEvent[]): {
  batch: CloudWatchEvent[];
  rest: CloudWatchEvent[];
} {
  let count = 0;
  let bytes = 0;
  while (count < queue.length && count < MAX_BATCH_EVENTS) {
    const next = bytes + queue[count].bytes;
    if (next > MAX_BATCH_BYTES) break;
    bytes = next;
    count++;
  }
  // An event alone over the byte limit cannot happen (toCloudWatchEvent caps it), but a batch is never empty.
  if (count === 0 && queue.length > 0) count = 1;
  const taken = queue.slice(0, count).sort((a, b) => a.timestamp - b.timestamp);
  let within = taken.length;
  if (taken.length > 0) {
    const first = taken[0].timestamp;
    within = taken.findIndex((e) => e.timestamp - first > MAX_BATCH_SPAN_MS);
    if (within < 0) within = taken.length;
  }
  const batch = taken.slice(0, within);
  const later = taken.slice(within);
  if (later.length === 0) return { batch, rest: queue.slice(count) };
  // The events cut off for the span go back in the order the queue had them.
  const cut = new Set(later);
  return { batch, rest: [...queue.slice(0, count).filter((e) => cut.has(e)), ...queue.slice(count)] };
}

/** Every batch a queue makes, in order (nextBatch until nothing is left). */
export function splitIntoBatches(queue: readonly CloudWatchEvent[]): CloudWatchEvent[][] {
  const batches: CloudWatchEvent[][] = [];
  let rest = [...queue];
  while (rest.length > 0) {
    const next = nextBatch(rest);
    batches.push(next.batch);
    rest = next.rest;
  }
  return batches;
}
