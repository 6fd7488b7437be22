'use client';
import Link from 'next/link';
import { formatTime, useApi } from '@/lib/api';
import { usePageCursors } from '@/lib/page-cursors';
import { InstantField } from '@/lib/instant-field';
import { useUrlFilters } from '@/lib/url-filters';
import { Empty, ErrorState, Loading, StatusBadge } from './states';

export interface Execution {
  id: string;
  scriptId: string;
  version: number;
  trigger: { type: string; id?: string; scheduledAt?: string };
  status: string;
  input: unknown;
  result: unknown;
  error: { message: string; stack?: string } | null;
  attempt: number;
  queuedAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  durationMs: number | null;
  replayOf?: string | null;
}

const STATUSES = ['queued', 'running', 'succeeded', 'failed', 'timed_out', 'cancelled', 'skipped'];
const TRIGGERS = ['http', 'cron', 'manual', 'try'];

const FILTERS = ['status', 'triggerType', 'from', 'to'] as const;

/**
 * Executions, newest first, filtered by the API (status, trigger type, queued time) a page at a
 * time; the first page is refreshed every 2 s, with its filters. The filters are the page's query
 * string, under the API's names (times as UTC instants, so a shared link means the same times).
 */
export function ExecutionsList({ scriptId }: { scriptId?: string }) {
  const [filters, setFilter] = useUrlFilters(FILTERS);
  const params = new URLSearchParams({ limit: '50' });
  if (scriptId) params.set('scriptId', scriptId);
  for (const key of FILTERS) if (filters[key]) params.set(key, filters[key]);
  const [cursors, setCursors] = usePageCursors(params.toString());
  const cursor = cursors[cursors.length - 1];
  if (cursor) params.set('cursor', cursor);
  const { data, error, loading } = useApi<{ items: Execution[]; nextCursor: string | null }>(
    `/executions?${params}`,
    cursors.length === 0 ? 2000 : undefined,
  );
  const items = data?.items ?? [];
  return (
    <section aria-labelledby="executions-title">
      <h1 id="executions-title">Executions</h1>
      <div className="row filters">
        <div className="field">
          <label htmlFor="f-status">Status</label>
          <select id="f-status" value={filters.status} onChange={(e) => setFilter('status', e.target.value)}>
            <option value="">any</option>
            {STATUSES.map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="f-trigger">Trigger</label>
          <select
            id="f-trigger"
            value={filters.triggerType}
            onChange={(e) => setFilter('triggerType', e.target.value)}
          >
            <option value="">any</option>
            {TRIGGERS.map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
        </div>
        <InstantField
          id="f-since"
          label="Queued since"
          value={filters.from}
          onChange={(v) => setFilter('from', v)}
        />
        <InstantField
          id="f-before"
          label="Queued before"
          value={filters.to}
          onChange={(v) => setFilter('to', v)}
        />
      </div>
      {error && <ErrorState message={error} />}
      {loading && !data && <Loading what="executions" />}
      {data && items.length === 0 && <Empty>No executions match.</Empty>}
      {items.length > 0 && (
        <div className="table-wrap" tabIndex={0} role="region" aria-label="Executions table">
          <table data-testid="executions-table">
            <thead>
              <tr>
                <th scope="col">Execution</th>
                <th scope="col">Status</th>
                <th scope="col">Trigger</th>
                <th scope="col">Version</th>
                <th scope="col">Queued</th>
                <th scope="col">Duration</th>
              </tr>
            </thead>
            <tbody>
              {items.map((e) => (
                <tr key={e.id}>
                  <td>
                    <Link href={`/executions/${e.id}`}>{e.id.slice(0, 12)}</Link>
                  </td>
                  <td>
                    <StatusBadge status={e.status} />
                  </td>
                  <td>{e.trigger.type}</td>
                  <td>v{e.version}</td>
                  <td>{formatTime(e.queuedAt)}</td>
                  <td>{e.durationMs !== null ? `${e.durationMs} ms` : '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <div className="row">
        <button
          type="button"
          className="secondary"
          disabled={cursors.length === 0}
          onClick={() => setCursors(cursors.slice(0, -1))}
        >
          Newer
        </button>
        <button
          type="button"
          className="secondary"
          disabled={!data?.nextCursor}
          onClick={() => data?.nextCursor && setCursors([...cursors, data.nextCursor])}
        >
          Older
        </button>
      </div>
    </section>
  );
}
