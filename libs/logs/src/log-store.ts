import Redis from 'ioredis';
import type { Database } from '@runlet/event-store';
import type { LogLine } from '@runlet/contracts';
import { ChannelSubscriber } from './channel-subscriber';
import { encodeEnd, encodeLines, logChannel } from './log-channel';
import { insertLines, PendingLine } from './log-sql';
import { openTail } from './log-tail';
import { LogWriter } from './log-writer';
import type { LogExport } from './log-export';
import type { LogSearchFilter } from './search/log-search-filter';
import { ScriptLogLine, searchExecutionLines, searchScriptLines } from './search/log-search-sql';
import { decodeScriptLogCursor, encodeScriptLogCursor } from './search/script-log-cursor';

export interface LogStoreOptions {
  /** How long a written line may wait to share an INSERT with others (default 5 ms). */
  flushMs?: number;
  /** Lines per INSERT (default 1000). */
  maxBatch?: number;
  /** A batch could not be stored after retries; its lines are lost and `flush` rejects. */
  onError?: (err: unknown, executionIds: string[]) => void;
}

export interface ReadOptions {
  /** Only lines with a greater seq (a `nextCursor`, as a number). */
  after?: number;
  /** Default 1000, at most 5000. */
  limit?: number;
  /** Only the lines that pass it (level, time range, text). */
  filter?: LogSearchFilter;
}

export interface ScriptSearchOptions {
  filter?: LogSearchFilter;
  /** A `nextCursor` of the previous page. */
  cursor?: string;
  /** Default 100, at most 1000. */
  limit?: number;
}

export interface ScriptLogPage {
  items: ScriptLogLine[];
  /** Set on a full page: the next (older) page starts after it. */
  nextCursor: string | null;
}

export interface LogPage {
  items: LogLine[];
  /** The last seq of a full page, else null. */
  nextCursor: string | null;
}

export const DEFAULT_READ_LIMIT = 1000;
export const MAX_READ_LIMIT = 5000;
export const DEFAULT_SEARCH_LIMIT = 100;
export const MAX_SEARCH_LIMIT = 1000;
const MAX_SEQ = 2 ** 31 - 1; // the column is INT (INT4 on PostgreSQL)

/**
 * Execution logs: buffered writes into `execution_logs`, paged reads, and live tail over Redis
 * pub/sub. Lines are published after they are stored, never before, so the database is always
 * at least as far along as anything a tail has shown.
 */
export class LogStore {
  private readonly writer: LogWriter;
  private publisher: Redis | undefined;
  private subscriber: ChannelSubscriber | undefined;
  private subscriberConnection: Redis | undefined;
  private readonly ending = new Set<Promise<void>>();
  private readonly exports: LogExport[] = [];

  constructor(
    private readonly db: Database,
    private readonly redisUrl: string,
    private readonly options: LogStoreOptions = {},
  ) {
    this.writer = new LogWriter((lines) => this.store(lines), {
      flushMs: options.flushMs,
      maxBatch: options.maxBatch,
      onError: options.onError,
    });
  }

  /**
   * Buffers the line; throws at once on a line that would make its whole batch fail. `scriptId`
   * names the script whose execution wrote it (script search, the CloudWatch stream).
   */
  write(executionId: string, line: LogLine, scriptId?: string | null): void {
    this.writer.add(executionId, normalize(line), scriptId);
  }

  /** Also hands every stored line of a script's execution to `sink` (CloudWatch); the database stays the record. */
  exportTo(sink: LogExport): void {
    this.exports.push(sink);
  }

  /** Hands lines an append stored (rowsFor) to the exports; `write`'s lines go there once stored. */
  forward(rows: PendingLine[]): void {
    if (rows.length === 0) return;
    for (const sink of this.exports) sink.add(rows);
  }

  /** Resolves when every line written so far (of that execution) is stored. */
  flush(executionId?: string): Promise<void> {
    return this.writer.flush(executionId);
  }

  /**
   * The lines as rows an event append stores together with its events (logLinesAttachment);
   * once it has, `announce` shows them to live tails (or `end` closes the tails, which re-read).
   */
  rowsFor(executionId: string, lines: LogLine[], scriptId?: string | null): PendingLine[] {
    return lines.map((line) => ({ executionId, scriptId, line: normalize(line) }));
  }

  /** Shows lines stored by an append (rowsFor) to live tails. */
  announce(executionId: string, stored: LogLine[]): void {
    if (stored.length === 0) return;
    this.redis()
      .publish(logChannel(executionId), encodeLines(stored))
      .catch(() => undefined);
  }

  /**
   * Closes the live tails connected now, after the execution's buffered lines are stored. Only a
   * message, nothing kept: a tail that connects later learns of the end from its `ended` check.
   * (Lines an append stored need no announcing first: a tail reads the store once more when it ends.)
   */
  end(executionId: string): void {
    const done = this.writer
      .flush(executionId)
      .catch(() => undefined) // lost lines must not keep tails open forever
      .then(() => this.redis().publish(logChannel(executionId), encodeEnd()))
      .then(() => undefined)
      .catch((err) => this.options.onError?.(err, [executionId]));
    this.ending.add(done);
    void done.finally(() => this.ending.delete(done));
  }

  async read(executionId: string, options: ReadOptions = {}): Promise<LogPage> {
    const after = options.after ?? -1;
    if (!Number.isInteger(after)) throw new RangeError(`after must be an integer, got ${options.after}`);
    const limit = Math.min(MAX_READ_LIMIT, Math.max(1, Math.trunc(options.limit ?? DEFAULT_READ_LIMIT)));
    const items = await searchExecutionLines(this.db, executionId, after, limit, options.filter ?? {});
    const nextCursor = items.length === limit ? String(items[items.length - 1].seq) : null;
    return { items, nextCursor };
  }

  /** One script's lines, newest first; throws InvalidLogSearch on a cursor it did not hand out. */
  async searchScript(scriptId: string, options: ScriptSearchOptions = {}): Promise<ScriptLogPage> {
    const limit = Math.min(MAX_SEARCH_LIMIT, Math.max(1, Math.trunc(options.limit ?? DEFAULT_SEARCH_LIMIT)));
    const before = options.cursor === undefined ? undefined : decodeScriptLogCursor(options.cursor);
    const items = await searchScriptLines(this.db, scriptId, before, limit, options.filter ?? {});
    const last = items[items.length - 1];
    const nextCursor =
      items.length === limit
        ? encodeScriptLogCursor({ ts: last.ts, executionId: last.executionId, seq: last.seq })
        : null;
    return { items, nextCursor };
  }

  /**
   * Stored lines after `after`, then live ones until `end`; resolves (to stop) once the stored ones
   * are emitted. `ended` says whether the execution is over by its durable record (its terminal
   * event): it is asked once, after subscribing, so a tail that joins after the end message went by
   * still ends. Whoever records the end stores the execution's lines first (docs/architecture.md, Logs).
   */
  tail(
    executionId: string,
    options: { after?: number; ended: () => Promise<boolean> },
    onLine: (line: LogLine) => void,
    onEnd: () => void,
  ): Promise<() => void> {
    return openTail(
      {
        subscriber: this.channels(),
        read: (id, after) => this.read(id, { after }),
        hasEnded: options.ended,
      },
      executionId,
      options.after,
      onLine,
      onEnd,
    );
  }

  /** Stores what is buffered and closes the Redis connections; the database is the caller's. */
  async close(): Promise<void> {
    await this.writer.close().catch(() => undefined);
    await Promise.all([...this.ending]);
    await Promise.all(this.exports.map((sink) => sink.close().catch(() => undefined)));
    this.subscriberConnection?.disconnect();
    if (this.publisher) await this.publisher.quit().catch(() => this.publisher?.disconnect());
  }

  private async store(lines: PendingLine[]): Promise<void> {
    await insertLines(this.db, lines);
    // The writer retries a failed batch whole, so the exports hear of a batch only once it is stored.
    this.forward(lines);
    // One message per execution per batch. Sent (not awaited) before the batch settles, so an
    // `end` that waits for the flush is always published after the execution's last lines.
    const byExecution = new Map<string, LogLine[]>();
    for (const { executionId, line } of lines) {
      const list = byExecution.get(executionId);
      if (list) list.push(line);
      else byExecution.set(executionId, [line]);
    }
    const pipeline = this.redis().pipeline();
    for (const [id, list] of byExecution) pipeline.publish(logChannel(id), encodeLines(list));
    // Live tail is best effort; the database is the record, and tails re-read it on end.
    pipeline.exec().catch(() => undefined);
  }

  private redis(): Redis {
    if (!this.publisher) {
      this.publisher = new Redis(this.redisUrl, { enableAutoPipelining: true });
      this.publisher.on('error', () => undefined); // reconnects on its own; commands fail meanwhile
    }
    return this.publisher;
  }

  private channels(): ChannelSubscriber {
    if (!this.subscriber) {
      this.subscriberConnection = new Redis(this.redisUrl);
      this.subscriberConnection.on('error', () => undefined);
      this.subscriber = new ChannelSubscriber(this.subscriberConnection);
    }
    return this.subscriber;
  }
}

function normalize(line: LogLine): LogLine {
  if (!Number.isInteger(line.seq) || line.seq < 0 || line.seq > MAX_SEQ) {
    throw new RangeError(`log line seq must be an integer in [0, ${MAX_SEQ}], got ${line.seq}`);
  }
  const time = Date.parse(line.ts);
  if (Number.isNaN(time)) throw new RangeError(`log line ts is not a date: ${line.ts}`);
  return {
    seq: line.seq,
    ts: new Date(time).toISOString(),
    level: line.level,
    stream: line.stream,
    message: String(line.message), // stored escaped where TEXT cannot hold it (log-sql)
  };
}
