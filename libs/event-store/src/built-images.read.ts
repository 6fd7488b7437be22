import { Database } from './database';

export interface BuiltImage {
  scriptId: string;
  version: number;
  image: string;
  imageDigest?: string;
  /** Still needed: the script is not archived and this is its deployed version or a recent build. */
  referenced: boolean;
}

/**
 * Every image a `built` event recorded, with whether it is still referenced (see BuiltImage).
 * Reads only the fields it needs from the stored data; no schema version has moved them.
 */
export async function readBuiltImages(
  db: Database,
  types: { deployed: string; built: string; archived: string },
  since: Date,
): Promise<BuiltImage[]> {
  const rows = await db.query(
    `WITH deployed AS (
       SELECT DISTINCT ON (data->>'scriptId') data->>'scriptId' AS script_id, (data->>'version')::int AS version
       FROM events WHERE event_type = $2
       ORDER BY data->>'scriptId', global_position DESC
     ), archived AS (
       SELECT DISTINCT data->>'scriptId' AS script_id FROM events WHERE event_type = $4
     )
     SELECT b.data->>'scriptId' AS script_id, (b.data->>'version')::int AS version,
            b.data->>'image' AS image, b.data->>'imageDigest' AS image_digest,
            (NOT EXISTS (SELECT 1 FROM archived a WHERE a.script_id = b.data->>'scriptId')
              AND (b.recorded_at >= $1 OR EXISTS (
                SELECT 1 FROM deployed d WHERE d.script_id = b.data->>'scriptId' AND d.version = (b.data->>'version')::int)))
              AS referenced
     FROM events b
     WHERE b.event_type = $3 AND b.data ? 'image'`,
    [since, types.deployed, types.built, types.archived],
  );
  return rows.map((r: any) => ({
    scriptId: r.script_id,
    version: Number(r.version),
    image: r.image,
    imageDigest: r.image_digest ?? undefined,
    referenced: r.referenced === true,
  }));
}
