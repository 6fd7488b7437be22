import { Database } from './database';
import { EventStore } from './event-store';
import { StoredEvent } from './types';

/**
 * The last event of `type` whose data names `scriptId` (and `version`, when given), upcast.
 * Uses the events_script_id index.
 */
export async function readLatestScriptEvent(
  db: Database,
  store: EventStore,
  type: string,
  scriptId: string,
  version?: number,
): Promise<StoredEvent | undefined> {
  const params: unknown[] = [scriptId, type];
  const ofVersion = version === undefined ? '' : `AND (data->>'version')::int = $3`;
  if (version !== undefined) params.push(version);
  const [row] = await db.query(
    `SELECT * FROM events WHERE (data->>'scriptId') = $1 AND event_type = $2 ${ofVersion}
      ORDER BY global_position DESC LIMIT 1`,
    params,
  );
  return row ? store.fromRow(row) : undefined;
}
