import { Database } from './database';
import { EventStore } from './event-store';
import { StoredEvent } from './types';

/**
 * The events whose data names `scriptId` (its own stream and the build, trigger and execution
 * events about it) after a position, oldest first, upcast. Uses the events_script_id index.
 */
export async function readScriptEvents(
  db: Database,
  store: EventStore,
  scriptId: string,
  opts: { after: number; limit: number },
): Promise<StoredEvent[]> {
  const rows = await db.query(
    `SELECT * FROM events WHERE (data->>'scriptId') = $1 AND global_position > $2
      ORDER BY global_position LIMIT $3`,
    [scriptId, opts.after, opts.limit],
  );
  return rows.map((row: any) => store.fromRow(row));
}
