'use client';
import Link from 'next/link';
import { useEffect, useState } from 'react';
import { formatTime, useApi } from '@/lib/api';
import { Empty, ErrorState, Loading, StatusBadge } from './states';

interface ScriptRow {
  id: string;
  name: string;
  latestVersion: number;
  deployedVersion: number | null;
  build: { status: string; version: number | null } | null;
  lastExecution: { status: string; queuedAt: string } | null;
  nextRunAt: string | null;
}

/** Scripts, newest first, a page at a time (cursor paging keeps it fast with thousands). */
export function ScriptsList() {
  const [query, setQuery] = useState('');
  const [q, setQ] = useState('');
  const [cursors, setCursors] = useState<string[]>([]);
  useEffect(() => {
    const t = setTimeout(() => {
      setQ(query.trim());
      setCursors([]);
    }, 250);
    return () => clearTimeout(t);
  }, [query]);
  const cursor = cursors[cursors.length - 1];
  const params = new URLSearchParams({ limit: '50' });
  if (q) params.set('q', q);
  if (cursor) params.set('cursor', cursor);
  const { data, error, loading } = useApi<{ items: ScriptRow[]; nextCursor: string | null }>(
    `/scripts?${params}`,
  );
  return (
    <section aria-labelledby="scripts-title">
      <div className="row spread">
        <h1 id="scripts-title">Scripts</h1>
        <Link href="/scripts/new" className="button">
          New script
        </Link>
      </div>
      <div className="field">
        <label htmlFor="script-search">Search by name</label>
        <input id="script-search" type="search" value={query} onChange={(e) => setQuery(e.target.value)} />
      </div>
      {error && <ErrorState message={error} />}
      {loading && !data && <Loading what="scripts" />}
      {data && data.items.length === 0 && (
        <Empty>{q ? `No script's name contains "${q}".` : 'No scripts yet. Create the first one.'}</Empty>
      )}
      {data && data.items.length > 0 && (
        <div className="table-wrap" tabIndex={0} role="region" aria-label="Scripts table">
          <table data-testid="scripts-table">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Deployed</th>
                <th scope="col">Build</th>
                <th scope="col">Last run</th>
                <th scope="col">Next cron run</th>
              </tr>
            </thead>
            <tbody>
              {data.items.map((s) => (
                <tr key={s.id}>
                  <td>
                    <Link href={`/scripts/${s.id}`}>{s.name}</Link>
                  </td>
                  <td>{s.deployedVersion ? `v${s.deployedVersion}` : '—'}</td>
                  <td>
                    <StatusBadge status={s.build?.status} />
                    {s.build?.version ? ` v${s.build.version}` : ''}
                  </td>
                  <td>
                    {s.lastExecution ? (
                      <>
                        <StatusBadge status={s.lastExecution.status} /> {formatTime(s.lastExecution.queuedAt)}
                      </>
                    ) : (
                      '—'
                    )}
                  </td>
                  <td>{formatTime(s.nextRunAt)}</td>
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
          Previous page
        </button>
        <button
          type="button"
          className="secondary"
          disabled={!data?.nextCursor}
          onClick={() => data?.nextCursor && setCursors([...cursors, data.nextCursor])}
        >
          Next page
        </button>
      </div>
    </section>
  );
}
