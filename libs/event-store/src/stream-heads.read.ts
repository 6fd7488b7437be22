/** The version of each stream's last event (streams without events are absent), in one statement. */
export async function readStreamHeads(
  db: { query(sql: string, params?: unknown[]): Promise<any[]> },
  streamIds: readonly string[],
): Promise<Map<string, number>> {
  if (streamIds.length === 0) return new Map();
  const rows = await db.query(
    `SELECT stream_id, max(stream_version) AS version FROM events WHERE stream_id = ANY($1::text[]) GROUP BY stream_id`,
    [streamIds],
  );
  return new Map(rows.map((row: any) => [row.stream_id as string, Number(row.version)]));
}
