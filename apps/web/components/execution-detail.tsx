'use client';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useEffect, useState } from 'react';
import { api, followLogs, formatTime, useApi, useDebounced } from '@/lib/api';
import type { Execution } from './executions-list';
import { LogLine, LogLines, mergeLines } from './log-lines';
import { ErrorState, Loading, StatusBadge } from './states';

const FINISHED = new Set(['succeeded', 'failed', 'timed_out', 'cancelled', 'skipped']);
const LEVELS = ['debug', 'info', 'warn', 'error'];

export function ExecutionDetail({ id }: { id: string }) {
  const router = useRouter();
  const [done, setDone] = useState(false);
  const { data: e, error, reload } = useApi<Execution>(`/executions/${id}`, done ? undefined : 1500);
  const finished = e ? FINISHED.has(e.status) : false;
  useEffect(() => {
    if (finished) setDone(true);
  }, [finished]);
  const [actionError, setActionError] = useState<string>();
  async function replay() {
    setActionError(undefined);
    try {
      const r = await api<{ executionId: string }>(`/executions/${id}/replay`, { method: 'POST', body: {} });
      router.push(`/executions/${r.executionId}`);
    } catch (err) {
      setActionError((err as Error).message);
    }
  }
  async function cancel() {
    setActionError(undefined);
    try {
      await api(`/executions/${id}/cancel`, { method: 'POST', body: {} });
      await reload();
    } catch (err) {
      setActionError((err as Error).message);
    }
  }
  if (error && !e) return <ErrorState message={error} />;
  if (!e) return <Loading what="the execution" />;
  return (
    <article aria-labelledby="exec-title">
      <h1 id="exec-title">
        Execution <code>{e.id}</code>
      </h1>
      <p className="row">
        <StatusBadge status={e.status} />
        <Link href={`/scripts/${e.scriptId}`}>Script (v{e.version})</Link>
        <Link href={`/audit?chain=${encodeURIComponent(`execution-${e.id}`)}`}>Causation chain</Link>
        {e.replayOf && <Link href={`/executions/${e.replayOf}`}>Replay of {e.replayOf.slice(0, 12)}</Link>}
      </p>
      <div className="row">
        {e.trigger.type !== 'try' && (
          <button type="button" className="secondary" onClick={() => void replay()}>
            Replay
          </button>
        )}
        {!finished && (
          <button type="button" className="danger" onClick={() => void cancel()}>
            Cancel
          </button>
        )}
      </div>
      {actionError && <ErrorState message={actionError} />}
      <dl className="facts">
        <dt>Trigger</dt>
        <dd>
          {e.trigger.type}
          {e.trigger.id ? ` ${e.trigger.id}` : ''}
        </dd>
        <dt>Attempt</dt>
        <dd>{e.attempt}</dd>
        <dt>Queued</dt>
        <dd>{formatTime(e.queuedAt)}</dd>
        <dt>Started</dt>
        <dd>{formatTime(e.startedAt)}</dd>
        <dt>Finished</dt>
        <dd>{formatTime(e.finishedAt)}</dd>
        <dt>Duration</dt>
        <dd>{e.durationMs !== null ? `${e.durationMs} ms` : '—'}</dd>
      </dl>
      <h2>Input</h2>
      <pre data-testid="exec-input">{JSON.stringify(e.input, null, 2) ?? 'none'}</pre>
      {e.error ? (
        <>
          <h2>Error</h2>
          <pre className="error-box" data-testid="exec-error">
            {e.error.message}
            {e.error.stack ? `\n${e.error.stack}` : ''}
          </pre>
        </>
      ) : (
        <>
          <h2>Result</h2>
          <pre data-testid="exec-result">{JSON.stringify(e.result, null, 2) ?? 'none'}</pre>
        </>
      )}
      <Logs id={id} live={!finished} />
    </article>
  );
}

/**
 * Stored lines, searched by the API (level, text), a page at a time; while it runs, the live tail
 * over SSE through the console's proxy, whose new lines pass the same search here.
 */
function Logs({ id, live }: { id: string; live: boolean }) {
  const [lines, setLines] = useState<LogLine[]>([]);
  const [nextCursor, setNextCursor] = useState<string | null>(null);
  const [error, setError] = useState<string>();
  const [level, setLevel] = useState('');
  const [text, setText] = useState('');
  const q = useDebounced(text.trim());
  const search = new URLSearchParams({ limit: '1000' });
  if (level) search.set('level', level);
  if (q) search.set('q', q);
  const query = search.toString();
  useEffect(() => {
    let stop: (() => void) | undefined;
    let closed = false;
    const matches = (l: LogLine) =>
      (!level || l.level === level) && (!q || l.message.toLowerCase().includes(q.toLowerCase()));
    api<{ items: LogLine[]; nextCursor: string | null }>(`/executions/${id}/logs?${query}`).then(
      (page) => {
        if (closed) return;
        setError(undefined);
        setLines(page.items);
        setNextCursor(page.nextCursor);
        if (!live) return;
        stop = followLogs(id, {
          after: page.items.length ? page.items[page.items.length - 1].seq : undefined,
          onLine: (line) => matches(line) && setLines((prev) => mergeLines(prev, [line])),
          onEnd: () => undefined,
        });
      },
      (err) => !closed && setError((err as Error).message),
    );
    return () => {
      closed = true;
      stop?.();
    };
  }, [id, live, query]);
  async function loadMore() {
    if (!nextCursor) return;
    try {
      const page = await api<{ items: LogLine[]; nextCursor: string | null }>(
        `/executions/${id}/logs?${query}&after=${nextCursor}`,
      );
      setLines((prev) => mergeLines(prev, page.items));
      setNextCursor(page.nextCursor);
    } catch (err) {
      setError((err as Error).message);
    }
  }
  return (
    <section aria-labelledby="logs-title">
      <h2 id="logs-title">Logs {live ? '(live)' : ''}</h2>
      <div className="row filters">
        <div className="field">
          <label htmlFor="log-level">Level</label>
          <select id="log-level" value={level} onChange={(e) => setLevel(e.target.value)}>
            <option value="">all</option>
            {LEVELS.map((l) => (
              <option key={l}>{l}</option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="log-search">Search logs</label>
          <input id="log-search" type="search" value={text} onChange={(e) => setText(e.target.value)} />
        </div>
      </div>
      {error && <ErrorState message={error} />}
      <LogLines lines={lines} label="Execution logs" />
      {nextCursor && (
        <button type="button" className="secondary" onClick={() => void loadMore()}>
          More lines
        </button>
      )}
    </section>
  );
}
