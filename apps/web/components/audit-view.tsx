'use client';
import { useState } from 'react';
import { useApi, useDebounced } from '@/lib/api';
import { EventCard, StoredEvent } from './event-card';
import { Empty, ErrorState, Loading } from './states';

/**
 * The event history of the installation (`/events`) or of one script (`/scripts/:id/history`),
 * filtered by the API by type, stream and time, oldest first, a page at a time.
 */
export function AuditView(props: {
  scriptId?: string;
  correlationId?: string;
  stream?: string;
  type?: string;
}) {
  const [type, setType] = useState(props.type ?? '');
  const [stream, setStream] = useState(props.stream ?? '');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [afters, setAfters] = useState<string[]>([]);
  // Typed filters are sent once typing pauses (a half-typed event type is a 400).
  const typedType = useDebounced(type.trim());
  const typedStream = useDebounced(stream.trim());
  const params = new URLSearchParams({ limit: '100' });
  const after = afters[afters.length - 1];
  if (after) params.set('after', after);
  if (typedType) params.set('type', typedType);
  if (typedStream) params.set('stream', typedStream);
  // datetime-local is the browser's local time; the API wants the zone: as UTC.
  if (from) params.set('from', new Date(from).toISOString());
  if (to) params.set('to', new Date(to).toISOString());
  let path: string;
  if (props.scriptId) path = `/scripts/${props.scriptId}/history?${params}`;
  else {
    if (props.correlationId) params.set('correlationId', props.correlationId);
    path = `/events?${params}`;
  }
  const { data, error, loading } = useApi<{ items: StoredEvent[]; nextCursor: string | null }>(path);
  const items = data?.items ?? [];
  const title = props.scriptId
    ? 'Script history'
    : props.correlationId
      ? `Events of correlation ${props.correlationId}`
      : 'Audit log';
  return (
    <section aria-labelledby="audit-title">
      <h1 id="audit-title">{title}</h1>
      <div className="row filters">
        <div className="field">
          <label htmlFor="a-type">Event types (comma-separated)</label>
          <input id="a-type" value={type} onChange={(e) => (setType(e.target.value), setAfters([]))} />
        </div>
        <div className="field">
          <label htmlFor="a-stream">Stream</label>
          <input id="a-stream" value={stream} onChange={(e) => (setStream(e.target.value), setAfters([]))} />
        </div>
        <div className="field">
          <label htmlFor="a-from">From</label>
          <input
            id="a-from"
            type="datetime-local"
            step={1}
            value={from}
            onChange={(e) => (setFrom(e.target.value), setAfters([]))}
          />
        </div>
        <div className="field">
          <label htmlFor="a-to">To</label>
          <input
            id="a-to"
            type="datetime-local"
            step={1}
            value={to}
            onChange={(e) => (setTo(e.target.value), setAfters([]))}
          />
        </div>
      </div>
      {error && <ErrorState message={error} />}
      {loading && !data && <Loading what="events" />}
      {data && items.length === 0 && <Empty>No events match.</Empty>}
      <ol className="events" data-testid="events">
        {items.map((e) => (
          <EventCard key={e.position} event={e} />
        ))}
      </ol>
      <div className="row">
        <button
          type="button"
          className="secondary"
          disabled={afters.length === 0}
          onClick={() => setAfters(afters.slice(0, -1))}
        >
          Earlier
        </button>
        <button
          type="button"
          className="secondary"
          disabled={!data?.nextCursor}
          onClick={() => data?.nextCursor && setAfters([...afters, data.nextCursor])}
        >
          Later
        </button>
      </div>
    </section>
  );
}
