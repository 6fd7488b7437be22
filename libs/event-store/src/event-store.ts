import { createHash } from 'node:crypto';
import { ConcurrencyError } from './errors';
import { Database, sqlState } from './database';
import { appendParams, appendSql, ResolvedAppend } from './append-statement';
import { AppendAttachment, AppendRequest, AppendResult, EventMetadata, NewEvent, StoredEvent } from './types';
import { Upcaster, Upcasters } from './upcasters';

export interface EventStoreOptions {
  /** Groups sent to the database at once (default 1: they serialise on the counter row, and a second one only waits on its lock — measured slower). */
  maxGroupsInFlight?: number;
  /**
   * Upper bound of events in one group (default 5,000: a minute's tick of 2,000 cron triggers, two
   * events each, goes in one statement instead of waiting for a second).
   */
  maxGroupEvents?: number;
  /** Called after every committed group with the last position (the wake-up hint), once its appenders have resumed. */
  onCommitted?: (lastPosition: number) => void;
  /** What `attached` rows of a request are and how they are written (with the events). */
  attachment?: AppendAttachment;
  /** Applied to every event read; new events are written in their type's latest schema version. */
  upcasters?: Upcaster[];
}

interface Pending {
  req: ResolvedAppend;
  resolve: (r: AppendResult) => void;
  reject: (e: unknown) => void;
}

const UNIQUE_VIOLATION = '23505';
const DIVISION_BY_ZERO = '22012'; // raised on purpose by the append statement's guard

/**
 * Append-only event store with optimistic concurrency per stream and a gap-free global order.
 * Concurrent appends are group-committed: requests that arrive while a group is being written
 * go together into the next statement.
 */
export class EventStore {
  private readonly queue: Pending[] = [];
  private inFlight = 0;
  private pumpScheduled = false;
  private readonly maxInFlight: number;
  private readonly maxGroupEvents: number;
  private readonly appendSql: string;
  /** Prepared statements are per connection and name: a name per statement text. */
  private readonly appendStatementName: string;
  private readonly upcasters: Upcasters;

  constructor(
    private readonly db: Database,
    private readonly options: EventStoreOptions = {},
  ) {
    this.maxInFlight = options.maxGroupsInFlight ?? 1;
    this.maxGroupEvents = options.maxGroupEvents ?? 5000;
    this.upcasters = new Upcasters(options.upcasters);
    this.appendSql = appendSql(options.attachment);
    this.appendStatementName = `runlet_append_${createHash('sha1').update(this.appendSql).digest('hex').slice(0, 12)}`;
  }

  async append(req: AppendRequest): Promise<AppendResult> {
    if (req.events.length === 0) throw new Error('append needs at least one event');
    if (req.attached?.length && !this.options.attachment)
      throw new Error('this store takes no attached rows');
    for (const event of req.events) event.schemaVersion ??= this.upcasters.currentVersion(event.type);
    if (req.expectedVersion === 'any') return this.appendAtAnyVersion(req);
    return new Promise((resolve, reject) => {
      this.queue.push({ req: req as ResolvedAppend, resolve, reject });
      this.schedulePump();
    });
  }

  /** Convenience for one stream: append `events` after version `expectedVersion`. */
  appendToStream(
    streamId: string,
    expectedVersion: number | 'any',
    events: NewEvent[],
    metadata: EventMetadata,
  ): Promise<AppendResult> {
    return this.append({ streamId, expectedVersion, events, metadata });
  }

  async readStream(streamId: string, fromVersion = 1): Promise<StoredEvent[]> {
    const rows = await this.db.query(
      `SELECT * FROM events WHERE stream_id = $1 AND stream_version >= $2 ORDER BY stream_version`,
      [streamId, fromVersion],
    );
    return rows.map((row: any) => this.fromRow(row));
  }

  async streamVersion(streamId: string): Promise<number> {
    const [row] = await this.db.query(
      `SELECT stream_version FROM events WHERE stream_id = $1 ORDER BY stream_version DESC LIMIT 1`,
      [streamId],
    );
    return row ? Number(row.stream_version) : 0;
  }

  /** Events after a global position, oldest first, optionally of one stream or some types. */
  async readAll(opts: AuditFilter = {}) {
    const where = ['global_position > $1'];
    const params: unknown[] = [opts.after ?? 0];
    if (opts.streamId) {
      params.push(opts.streamId);
      where.push(`stream_id = $${params.length}`);
    }
    // The audit view's filters: one request's events (correlation), one event, a time window.
    if (opts.correlationId) {
      params.push(opts.correlationId);
      where.push(`metadata->>'correlationId' = $${params.length}`);
    }
    if (opts.eventId) {
      params.push(opts.eventId);
      where.push(`event_id = $${params.length}::uuid`);
    }
    if (opts.from) {
      params.push(opts.from);
      where.push(`recorded_at >= $${params.length}::timestamptz`);
    }
    if (opts.to) {
      params.push(opts.to);
      where.push(`recorded_at < $${params.length}::timestamptz`);
    }
    if (opts.types?.length) {
      params.push(opts.types);
      where.push(`event_type = ANY($${params.length}::text[])`);
    }
    params.push(opts.limit ?? 500);
    const rows = await this.db.query(
      `SELECT * FROM events WHERE ${where.join(' AND ')} ORDER BY global_position LIMIT $${params.length}`,
      params,
    );
    return rows.map((row: any) => this.fromRow(row));
  }

  /**
   * Events of some types after a position, oldest first, and how far the read covers: to the
   * last event returned when the page is full, else to the head the same snapshot saw (no event
   * of those types lies in between). A subscription that wants few types reads no other rows.
   */
  async readTypes(
    after: number,
    types: readonly string[],
    limit: number,
  ): Promise<{ events: StoredEvent[]; coveredTo: number }> {
    const rows = await this.db.query(
      `SELECT h.position AS head_position, e.*
       FROM log_head h
       LEFT JOIN LATERAL (
         SELECT * FROM events
         WHERE global_position > $1 AND global_position <= h.position AND event_type = ANY($2::text[])
         ORDER BY global_position LIMIT $3
       ) e ON true
       WHERE h.id = 1`,
      [after, types, limit],
    );
    const events = rows
      .filter((row: any) => row.global_position !== null)
      .map((row: any) => this.fromRow(row));
    const head = Math.max(after, Number(rows[0]?.head_position ?? after));
    return { events, coveredTo: events.length === limit ? events[events.length - 1].position : head };
  }

  /** A row of the events table as an event in its type's current schema. */
  fromRow(row: any): StoredEvent {
    return this.upcasters.apply(toStoredEvent(row));
  }

  async headPosition(): Promise<number> {
    const [row] = await this.db.query(`SELECT position FROM log_head WHERE id = 1`);
    return Number(row?.position ?? 0);
  }

  private async appendAtAnyVersion(req: AppendRequest): Promise<AppendResult> {
    for (let attempt = 0; ; attempt++) {
      const expectedVersion = await this.streamVersion(req.streamId);
      try {
        return await this.append({ ...req, expectedVersion });
      } catch (err) {
        if (!(err instanceof ConcurrencyError) || attempt >= 20) throw err;
      }
    }
  }

  /**
   * Forms the next group once the current turn of the event loop is over: the callers a commit
   * just resumed append their next events in their continuations, and they should all go in one
   * group rather than the first of them alone and the rest in the group after.
   */
  private schedulePump(): void {
    if (this.pumpScheduled) return;
    this.pumpScheduled = true;
    setImmediate(() => {
      this.pumpScheduled = false;
      this.pump();
    });
  }

  private pump(): void {
    while (this.inFlight < this.maxInFlight && this.queue.length > 0) {
      const group = this.takeGroup();
      this.inFlight++;
      this.writeGroup(group).finally(() => {
        this.inFlight--;
        this.schedulePump();
      });
    }
  }

  /** Takes queued requests for one statement: at most one request per stream. */
  private takeGroup(): Pending[] {
    const group: Pending[] = [];
    const streams = new Set<string>();
    let events = 0;
    for (let i = 0; i < this.queue.length && events < this.maxGroupEvents;) {
      const p = this.queue[i];
      if (streams.has(p.req.streamId)) {
        i++;
        continue;
      }
      streams.add(p.req.streamId);
      events += p.req.events.length;
      group.push(p);
      this.queue.splice(i, 1);
    }
    return group;
  }

  private async writeGroup(group: Pending[]): Promise<void> {
    try {
      const results = await this.execute(group.map((p) => p.req));
      group.forEach((p, i) => p.resolve(results[i]));
    } catch (err) {
      if (group.length === 1) {
        group[0].reject(this.translate(err, group[0].req));
        return;
      }
      // One request spoiled the group: write each alone so only the culprit fails.
      await Promise.all(group.map((p) => this.writeGroup([p])));
    }
  }

  private async execute(group: ResolvedAppend[]): Promise<AppendResult[]> {
    const rows = await this.db.prepared(
      this.appendStatementName,
      this.appendSql,
      appendParams(group, this.options.attachment),
    );
    const byStream = new Map<string, any[]>();
    for (const row of rows) {
      const list = byStream.get(row.stream_id) ?? [];
      list.push(row);
      byStream.set(row.stream_id, list);
    }
    let last = 0;
    const results = group.map((req) => {
      const written = (byStream.get(req.streamId) ?? []).sort((a, b) => a.stream_version - b.stream_version);
      const events: StoredEvent[] = written.map((row, i) => ({
        position: Number(row.global_position),
        streamId: req.streamId,
        streamVersion: Number(row.stream_version),
        eventId: row.event_id,
        type: req.events[i].type,
        schemaVersion: req.events[i].schemaVersion ?? 1,
        data: req.events[i].data,
        metadata: req.events[i].metadata ?? req.metadata,
        recordedAt: row.recorded_at,
      }));
      const tail = events[events.length - 1];
      last = Math.max(last, tail.position);
      return { streamVersion: tail.streamVersion, position: tail.position, events };
    });
    // After the appenders' continuations (a webhook's answer among them): the wake-up hint is a
    // Redis publish that none of them waits for.
    const onCommitted = this.options.onCommitted;
    if (onCommitted) setImmediate(onCommitted, last);
    return results;
  }

  private translate(err: unknown, req: ResolvedAppend): unknown {
    const state = sqlState(err);
    if (state === UNIQUE_VIOLATION || state === DIVISION_BY_ZERO) {
      return new ConcurrencyError(req.streamId, req.expectedVersion);
    }
    return err;
  }
}

/** A row as stored, without upcasting (EventStore.fromRow upcasts). */
export function toStoredEvent(row: any): StoredEvent {
  return {
    position: Number(row.global_position),
    streamId: row.stream_id,
    streamVersion: Number(row.stream_version),
    eventId: row.event_id,
    type: row.event_type,
    schemaVersion: Number(row.schema_version),
    data: row.data,
    metadata: row.metadata,
    recordedAt: row.recorded_at,
  };
}

/** What `readAll` can narrow the log to (all optional; `after` is a global position). */
export interface AuditFilter {
  after?: number;
  limit?: number;
  streamId?: string;
  types?: readonly string[];
  correlationId?: string;
  eventId?: string;
  from?: string;
  to?: string;
}
