import { randomUUID } from 'node:crypto';
import { AppendAttachment, AppendRequest } from './types';

/**
 * One SQL statement appends a whole group of requests atomically (it runs in its own implicit
 * transaction, so a group costs one round trip and one durable commit):
 *
 * - `guard` counts requests whose expected version is not the stream's last event; a non-zero
 *   count divides by zero so the statement fails as a whole (SQLSTATE 22012) and nothing,
 *   not even the counter, changes. A stale expected version is caught by the primary key.
 * - `head` moves the `log_head` counter by the number of events. Its row lock is held until
 *   commit, so position order is commit order and a failed statement leaves no gap.
 * - the INSERT numbers the events `base + ordinality`.
 * - `attached`, with an attachment, writes its rows: PostgreSQL and CockroachDB run a
 *   data-modifying WITH item even when nothing refers to it, within the same statement.
 */
export function appendSql(attachment?: AppendAttachment): string {
  const attached = attachment ? `,\nattached AS (${attachment.sql(FIXED_PARAMS + 1)})` : '';
  return `
WITH guard AS (
  SELECT count(*) AS missing
  FROM unnest($9::text[], $10::int[]) AS g(stream_id, version)
  WHERE NOT EXISTS (SELECT 1 FROM events e WHERE e.stream_id = g.stream_id AND e.stream_version = g.version)
),
head AS (
  UPDATE log_head
  SET position = position + $8::int / (CASE WHEN (SELECT missing FROM guard) = 0 THEN 1 ELSE 0 END)
  WHERE id = 1
  RETURNING position - $8::int AS base
)${attached}
INSERT INTO events (global_position, stream_id, stream_version, event_id, event_type, schema_version, data, metadata)
SELECT head.base + t.ord, t.stream_id, t.stream_version, t.event_id, t.event_type, t.schema_version,
       t.data::jsonb, t.metadata::jsonb
FROM head,
     unnest($1::text[], $2::int[], $3::uuid[], $4::text[], $5::int[], $6::text[], $7::text[])
       WITH ORDINALITY AS t(stream_id, stream_version, event_id, event_type, schema_version, data, metadata, ord)
RETURNING global_position, stream_id, stream_version, event_id, recorded_at`;
}

/** Parameters of APPEND_SQL itself; an attachment's follow. */
const FIXED_PARAMS = 10;

export interface ResolvedAppend extends AppendRequest {
  expectedVersion: number;
}

/** Parameters of the append statement for a group of requests with concrete expected versions. */
export function appendParams(group: ResolvedAppend[], attachment?: AppendAttachment): unknown[] {
  const streamIds: string[] = [];
  const versions: number[] = [];
  const eventIds: string[] = [];
  const types: string[] = [];
  const schemaVersions: number[] = [];
  const data: string[] = [];
  const metadata: string[] = [];
  const guardStreams: string[] = [];
  const guardVersions: number[] = [];
  for (const req of group) {
    if (req.expectedVersion > 0) {
      guardStreams.push(req.streamId);
      guardVersions.push(req.expectedVersion);
    }
    const meta = JSON.stringify(req.metadata);
    req.events.forEach((event, i) => {
      streamIds.push(req.streamId);
      versions.push(req.expectedVersion + i + 1);
      eventIds.push(event.eventId ?? randomUUID());
      types.push(event.type);
      schemaVersions.push(event.schemaVersion ?? 1);
      data.push(JSON.stringify(event.data ?? {}));
      metadata.push(event.metadata ? JSON.stringify(event.metadata) : meta);
    });
  }
  const params = [
    streamIds,
    versions,
    eventIds,
    types,
    schemaVersions,
    data,
    metadata,
    streamIds.length,
    guardStreams,
    guardVersions,
  ];
  if (!attachment) return params;
  return [...params, ...attachment.params(group.flatMap((req) => req.attached ?? []))];
}
