import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  PutLogEventsCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import type { LogExport } from '../log-export';
import type { PendingLine } from '../log-sql';
import { CloudWatchEvent, nextBatch, scriptStreamName, toCloudWatchEvent } from './cloudwatch-batches';
import { exportBufferedLines, exportDroppedLines, exportSentLines } from './cloudwatch-metrics';

export type DropReason = 'buffer_full' | 'rejected' | 'shutdown';

export interface CloudWatchSinkOptions {
  client: CloudWatchLogsClient;
  /** The installation's log group. */
  logGroup: string;
  /** Lines buffered at most (default 100,000); beyond it new lines are dropped and reported. */
  maxBufferedLines?: number;
  /** Bytes buffered at most, as CloudWatch counts them (default 64 MiB). */
  maxBufferedBytes?: number;
  /** First retry delay (default 200 ms), doubling up to `maxBackoffMs` (default 5 s). */
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** How long `close` keeps sending before the rest counts as dropped (default 5 s). */
  closeTimeoutMs?: number;
  /** Where drops and errors are reported (default console.warn). */
  log?: (message: string) => void;
}

export interface CloudWatchSinkStats {
  buffered: number;
  sentLines: number;
  sentBatches: number;
  dropped: Record<DropReason, number>;
}

const SINK = { sink: 'cloudwatch' };
const REJECTING = new Set(['InvalidParameterException', 'SerializationException', 'ValidationException']);
const errorName = (err: unknown) => (err as { name?: string })?.name ?? 'Error';

/**
 * Copies a script's stored log lines into its stream (`script-<id>`) of the installation's log
 * group. One PutLogEvents at a time, each batch within the API's limits (nextBatch). Group and
 * stream are created on first use, idempotently, and again when they vanish. A failed request is
 * retried with backoff, without end while the service is away; meanwhile lines wait in a buffer
 * bounded in lines and bytes, and lines that find it full are dropped, counted in
 * runlet_log_export_dropped_lines_total and logged. Lines without a script (try-outs, builds) are
 * not sent.
 */
export class CloudWatchLogSink implements LogExport {
  private readonly queues = new Map<string, CloudWatchEvent[]>();
  private readonly created = new Set<string>();
  private groupCreated = false;
  private bufferedLines = 0;
  private bufferedBytes = 0;
  private readonly maxLines: number;
  private readonly maxBytes: number;
  private readonly initialBackoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly log: (message: string) => void;
  private pumping: Promise<void> | undefined;
  private closing = false;
  private deadline = Infinity;
  private readonly wakeups = new Set<() => void>();
  /** Lines dropped since the last report, by reason. */
  private unreported: Partial<Record<DropReason, number>> = {};
  private readonly totals: CloudWatchSinkStats = {
    buffered: 0,
    sentLines: 0,
    sentBatches: 0,
    dropped: { buffer_full: 0, rejected: 0, shutdown: 0 },
  };

  constructor(private readonly options: CloudWatchSinkOptions) {
    this.maxLines = options.maxBufferedLines ?? 100_000;
    this.maxBytes = options.maxBufferedBytes ?? 64 * 1024 * 1024;
    this.initialBackoffMs = options.initialBackoffMs ?? 200;
    this.maxBackoffMs = options.maxBackoffMs ?? 5_000;
    this.log = options.log ?? ((m) => console.warn(m));
  }

  add(rows: PendingLine[]): void {
    let full = 0;
    for (const row of rows) {
      if (!row.scriptId) continue;
      if (this.closing) {
        full++;
        continue;
      }
      const event = toCloudWatchEvent(row);
      if (this.bufferedLines + 1 > this.maxLines || this.bufferedBytes + event.bytes > this.maxBytes) {
        full++;
        continue;
      }
      const stream = scriptStreamName(row.scriptId);
      let queue = this.queues.get(stream);
      if (!queue) this.queues.set(stream, (queue = []));
      queue.push(event);
      this.bufferedLines++;
      this.bufferedBytes += event.bytes;
    }
    exportBufferedLines.set(SINK, this.bufferedLines);
    if (full > 0) this.drop(this.closing ? 'shutdown' : 'buffer_full', full);
    if (this.bufferedLines > 0) this.pump();
  }

  /** Resolves once every line added so far is sent or dropped. */
  async flush(): Promise<void> {
    while (this.pumping) await this.pumping;
  }

  /** Sends what it can within closeTimeoutMs; the rest is dropped (reason shutdown) and reported. */
  async close(): Promise<void> {
    this.closing = true;
    this.deadline = Date.now() + (this.options.closeTimeoutMs ?? 5_000);
    const timer = setTimeout(() => this.wake(), this.options.closeTimeoutMs ?? 5_000);
    try {
      await this.flush();
    } finally {
      clearTimeout(timer);
    }
    this.report();
  }

  stats(): CloudWatchSinkStats {
    return { ...this.totals, buffered: this.bufferedLines, dropped: { ...this.totals.dropped } };
  }

  private pump(): void {
    if (this.pumping) return;
    this.pumping = this.drain().finally(() => {
      this.pumping = undefined;
      if (this.bufferedLines > 0 && !this.closing) this.pump();
    });
  }

  private async drain(): Promise<void> {
    for (;;) {
      const stream = this.oldestStream();
      if (!stream) return;
      const queue = this.queues.get(stream)!;
      const taken = queue.length;
      const { batch, rest } = nextBatch(queue);
      const delivered = await this.send(stream, batch);
      if (delivered === 'kept') return this.abandon(); // closing, out of time
      this.release(batch);
      // Lines added while the batch was out were pushed onto the same queue; they follow `rest`.
      const left = [...rest, ...queue.slice(taken)];
      if (left.length > 0) this.queues.set(stream, left);
      else this.queues.delete(stream);
    }
  }

  /** The stream whose first waiting line is the oldest, so no stream waits behind a busy one. */
  private oldestStream(): string | undefined {
    let best: string | undefined;
    let at = Infinity;
    for (const [stream, queue] of this.queues) {
      if (queue.length > 0 && queue[0].timestamp < at) {
        at = queue[0].timestamp;
        best = stream;
      }
    }
    return best;
  }

  /** One batch, retried until it is delivered or refused; 'kept' when close ran out of time first. */
  private async send(stream: string, batch: CloudWatchEvent[]): Promise<'sent' | 'rejected' | 'kept'> {
    for (let attempt = 0; ; attempt++) {
      if (Date.now() >= this.deadline) return 'kept';
      try {
        await this.ensureStream(stream);
        const out = await this.options.client.send(
          new PutLogEventsCommand({
            logGroupName: this.options.logGroup,
            logStreamName: stream,
            logEvents: batch.map(({ timestamp, message }) => ({ timestamp, message })),
          }),
        );
        const refused = refusedCount(out.rejectedLogEventsInfo, batch.length);
        this.totals.sentBatches++;
        this.totals.sentLines += batch.length - refused;
        exportSentLines.inc(SINK, batch.length - refused);
        if (refused > 0) this.drop('rejected', refused, 'too old, too new or past the group’s retention');
        this.report();
        return 'sent';
      } catch (err) {
        const name = errorName(err);
        if (name === 'DataAlreadyAcceptedException') return 'sent';
        if (name === 'ResourceNotFoundException') {
          // The group or the stream is gone (deleted, or a fresh endpoint): made again, then sent again.
          this.groupCreated = false;
          this.created.clear();
          if (attempt < 3) continue;
        }
        if (REJECTING.has(name)) {
          this.drop('rejected', batch.length, (err as Error).message);
          return 'rejected';
        }
        if (attempt === 0 || attempt % 10 === 0) {
          this.log(`[logs] CloudWatch PutLogEvents failed (${name}: ${(err as Error).message}); retrying`);
        }
        await this.sleep(this.backoff(attempt));
      }
    }
  }

  private async ensureStream(stream: string): Promise<void> {
    if (this.created.has(stream)) return;
    const { client, logGroup } = this.options;
    if (!this.groupCreated) {
      await ignoreExisting(client.send(new CreateLogGroupCommand({ logGroupName: logGroup })));
      this.groupCreated = true;
    }
    try {
      await ignoreExisting(
        client.send(new CreateLogStreamCommand({ logGroupName: logGroup, logStreamName: stream })),
      );
    } catch (err) {
      if (errorName(err) === 'ResourceNotFoundException') this.groupCreated = false;
      throw err;
    }
    this.created.add(stream);
  }

  private backoff(attempt: number): number {
    const ceiling = Math.min(this.maxBackoffMs, this.initialBackoffMs * 2 ** Math.min(attempt, 20));
    return ceiling / 2 + Math.random() * (ceiling / 2);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.wakeups.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, Math.max(0, Math.min(ms, this.deadline - Date.now())));
      this.wakeups.add(wake);
    });
  }

  private wake(): void {
    for (const wake of [...this.wakeups]) wake();
  }

  private release(batch: CloudWatchEvent[]): void {
    this.bufferedLines -= batch.length;
    for (const e of batch) this.bufferedBytes -= e.bytes;
    exportBufferedLines.set(SINK, this.bufferedLines);
  }

  /** At close, past the deadline: everything still buffered is dropped. */
  private abandon(): void {
    const left = this.bufferedLines;
    this.queues.clear();
    this.bufferedLines = 0;
    this.bufferedBytes = 0;
    exportBufferedLines.set(SINK, 0);
    if (left > 0) this.drop('shutdown', left);
  }

  private drop(reason: DropReason, count: number, why?: string): void {
    const first = Object.keys(this.unreported).length === 0;
    this.totals.dropped[reason] += count;
    this.unreported[reason] = (this.unreported[reason] ?? 0) + count;
    exportDroppedLines.inc({ ...SINK, reason }, count);
    if (first) {
      const what =
        reason === 'buffer_full'
          ? `buffer full (${this.bufferedLines} lines, ${this.bufferedBytes} bytes; bounds ${this.maxLines} lines, ${this.maxBytes} bytes): dropping new lines until CloudWatch takes the buffered ones`
          : `${reason}${why ? ` (${why})` : ''}`;
      this.log(`[logs] CloudWatch sink dropping log lines: ${what}`);
    }
  }

  /** Once lines flow again (or at close): how many were dropped since the last report. */
  private report(): void {
    const counts = Object.entries(this.unreported);
    if (counts.length === 0) return;
    this.unreported = {};
    this.log(
      `[logs] CloudWatch sink dropped ${counts.map(([reason, n]) => `${n} lines (${reason})`).join(', ')}; the database still holds them`,
    );
  }
}

/** Creating what already exists is success: creation is idempotent. */
async function ignoreExisting(request: Promise<unknown>): Promise<void> {
  try {
    await request;
  } catch (err) {
    if (errorName(err) !== 'ResourceAlreadyExistsException') throw err;
  }
}

/** Events of a batch CloudWatch accepted the request for but not the events (by index). */
function refusedCount(
  info:
    | { tooNewLogEventStartIndex?: number; tooOldLogEventEndIndex?: number; expiredLogEventEndIndex?: number }
    | undefined,
  length: number,
): number {
  if (!info) return 0;
  const oldEnd = Math.max(info.tooOldLogEventEndIndex ?? -1, info.expiredLogEventEndIndex ?? -1);
  const newStart = info.tooNewLogEventStartIndex ?? length;
  return Math.min(length, oldEnd + 1 + (length - Math.max(newStart, oldEnd + 1)));
}
