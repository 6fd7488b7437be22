'use client';
import { useEffect, useState } from 'react';
import { useApi, useDebounced } from '@/lib/api';
import { usePageCursors } from '@/lib/page-cursors';
import { InstantField } from '@/lib/instant-field';
import { useUrlFilters } from '@/lib/url-filters';
import { EventCard, StoredEvent } from './event-card';
import { Empty, ErrorState, Loading } from './states';

const FILTERS = ['type', 'stream', 'from', 'to'] as const;

/**
 * The event history of the installation (`/events`) or of one script (`/scripts/:id/history`),
 * filtered by the API by type, stream and time, oldest first, a page at a time. The filters are
 * the page's query string, under the API's names (times as UTC instants).
 */
export function AuditView(props: { scriptId?: string; correlationId?: string }) {
  const [filters, setFilter] = useUrlFilters(FILTERS);
  // Typed filters reach the URL (and the API) once typing pauses: a half-typed event type is a 400.
  const type = useTypedFilter(filters.type, (value) => setFilter('type', value));
  const stream = useTypedFilter(filters.stream, (value) => setFilter('stream', value));
  const params = new URLSearchParams({ limit: '100' });
  for (const key of FILTERS) if (filters[key]) params.set(key, filters[key]);
  const [afters, setAfters] = usePageCursors(params.toString());
  const after = afters[afters.length - 1];
  if (after) params.set('after', after);
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
          <input id="a-type" value={type.value} onChange={(e) => type.set(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor="a-stream">Stream</label>
          <input id="a-stream" value={stream.value} onChange={(e) => stream.set(e.target.value)} />
        </div>
        <InstantField id="a-from" label="From" value={filters.from} onChange={(v) => setFilter('from', v)} />
        <InstantField id="a-to" label="To" value={filters.to} onChange={(v) => setFilter('to', v)} />
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

/**
 * A text field whose filter is `current` (from the URL): what is typed is committed once typing
 * pauses; Back/Forward (a new `current`) puts the URL's value back in the field.
 */
function useTypedFilter(current: string, commit: (value: string) => void) {
  const [value, setValue] = useState(current);
  const settled = useDebounced(value.trim());
  useEffect(() => {
    if (settled !== current) commit(settled);
  }, [settled]);
  useEffect(() => {
    if (current !== settled) setValue(current);
  }, [current]);
  return { value, set: setValue };
}
