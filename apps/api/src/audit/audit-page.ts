import { StoredEvent } from '@runlet/event-store';

/** An audit page as the API shows it: events oldest first, the cursor the last position when full. */
export interface AuditPage {
  items: StoredEvent[];
  nextCursor: string | null;
}

export function auditPage(events: StoredEvent[], limit: number): AuditPage {
  const items = events.map((e) => ({
    position: e.position,
    streamId: e.streamId,
    streamVersion: e.streamVersion,
    eventId: e.eventId,
    type: e.type,
    schemaVersion: e.schemaVersion,
    data: e.data,
    metadata: e.metadata,
    recordedAt: e.recordedAt,
  }));
  return { items, nextCursor: items.length === limit ? String(items[items.length - 1].position) : null };
}
