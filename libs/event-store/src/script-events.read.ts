import { Database } from './database';
import { EventStore } from './event-store';
import { StoredEvent } from './types';

/** What a script's history can be narrowed to (all optional), as for the audit log. */
export interface ScriptEventsFilter {
  types?: readonly string[];
  streamId?: string;
  /** recorded_at >= from */
  from?: string;
  /** recorded_at < to */
  to?: string;
}

/**
 * The events whose data names `scriptId` (its own stream and the build, trigger and execution
 * events about it) after a position, oldest first, upcast. Uses the events_script_id index.
 */
export async function readScriptEvents(
  db: Database,
  store: EventStore,
  scriptId: string,
  opts: { after: number; limit: number } & ScriptEventsFilter,
): Promise<StoredEvent[]> {
  const params: unknown[] = [scriptId, opts.after];
  const where = [`(data->>'scriptId') = $1`, 'global_position > $2'];
  const add = (sql: string, value: unknown) => {
    params.push(value);
    where.push(sql.replace('?', `$${params.length}`));
  };
  if (opts.types?.length) add('event_type = ANY(?::text[])', opts.types);
  if (opts.streamId) add('stream_id = ?', opts.streamId);
  if (opts.from) add('recorded_at >= ?::timestamptz', opts.from);
  if (opts.to) add('recorded_at < ?::timestamptz', opts.to);
  params.push(opts.limit);
  const rows = await db.query(
    `SELECT * FROM events WHERE ${where.join(' AND ')} ORDER BY global_position LIMIT $${params.length}`,
    params,
  );
  return rows.map((row: any) => store.fromRow(row));
}
