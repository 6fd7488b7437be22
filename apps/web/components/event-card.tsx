'use client';
import Link from 'next/link';
import { formatTime } from '@/lib/api';

export interface StoredEvent {
  position: number;
  streamId: string;
  streamVersion: number;
  eventId: string;
  type: string;
  schemaVersion: number;
  data: any;
  metadata: { actor?: string; correlationId?: string; causationId?: string };
  recordedAt: string;
}

/** One event: type, stream, when, who, its data as formatted JSON, and links to its chain. */
export function EventCard({ event, highlight }: { event: StoredEvent; highlight?: boolean }) {
  const { correlationId, causationId, actor } = event.metadata ?? {};
  return (
    <li className={`card event${highlight ? ' highlight' : ''}`} data-event-type={event.type}>
      <p>
        <strong>{event.type}</strong> <span className="hint">#{event.position}</span>
      </p>
      <p className="meta">
        <Link href={`/audit?stream=${encodeURIComponent(event.streamId)}`}>{event.streamId}</Link> v
        {event.streamVersion} · {formatTime(event.recordedAt)} · {actor ?? 'unknown actor'}
      </p>
      <p className="row">
        <Link href={`/audit?chain=${encodeURIComponent(event.streamId)}`}>Causation chain</Link>
        {correlationId && (
          <Link href={`/audit?correlationId=${encodeURIComponent(correlationId)}`}>Same correlation</Link>
        )}
        {causationId && <span className="hint">caused by {causationId.slice(0, 8)}</span>}
      </p>
      <details>
        <summary>Data</summary>
        <pre>{JSON.stringify(event.data, null, 2)}</pre>
      </details>
    </li>
  );
}
