import { Database } from './database';

/**
 * Lockfile hashes still referenced: those of the `built` events of each script's last `deployed`
 * version, and of every `built` event recorded since `since`. Reads three fields of the stored
 * data (scriptId, version, lockfileHash) rather than whole events, so a collection does not load
 * every lockfile of the period; no schema version of these events has moved them.
 */
export async function readReferencedLockfileHashes(
  db: Database,
  types: { deployed: string; built: string },
  since: Date,
): Promise<Set<string>> {
  const rows = await db.query(
    `WITH deployed AS (
       SELECT DISTINCT ON (data->>'scriptId') data->>'scriptId' AS script_id, (data->>'version')::int AS version
       FROM events WHERE event_type = $2
       ORDER BY data->>'scriptId', global_position DESC
     )
     SELECT DISTINCT b.data->>'lockfileHash' AS hash FROM events b
     WHERE b.event_type = $3
       AND (b.recorded_at >= $1 OR EXISTS (
         SELECT 1 FROM deployed d WHERE d.script_id = b.data->>'scriptId' AND d.version = (b.data->>'version')::int))`,
    [since, types.deployed, types.built],
  );
  return new Set(rows.map((r: any) => r.hash).filter(Boolean));
}
