'use client';
import { useCallback, useEffect, useRef, useState } from 'react';

/** An API answer that is not 2xx, with the API's own message. */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

/**
 * Calls the API through the console's proxy (`/api/proxy/…` → `/api/v1/…`); the key stays in the
 * httpOnly cookie. A 401 means the key was revoked or expired: back to sign-in with the message.
 */
export async function api<T = any>(path: string, init: { method?: string; body?: unknown } = {}): Promise<T> {
  const res = await fetch(`/api/proxy${path}`, {
    method: init.method ?? 'GET',
    headers: init.body !== undefined ? { 'content-type': 'application/json' } : undefined,
    body: init.body !== undefined ? JSON.stringify(init.body) : undefined,
  });
  if (res.status === 401) {
    window.location.assign('/sign-in?reason=expired');
    throw new ApiError('Signed out', 401);
  }
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  const body = text ? safeJson(text) : undefined;
  if (!res.ok) throw new ApiError(messageOf(body) ?? `The API answered ${res.status}.`, res.status);
  return body as T;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function messageOf(body: any): string | undefined {
  if (!body) return undefined;
  if (typeof body === 'string') return body;
  const m = body.message;
  return Array.isArray(m) ? m.join('; ') : typeof m === 'string' ? m : undefined;
}

export interface Loaded<T> {
  data: T | undefined;
  error: string | undefined;
  loading: boolean;
  reload: () => Promise<void>;
}

/** Loads `path` (null: nothing yet), optionally again every `pollMs` for live views. */
export function useApi<T = any>(path: string | null, pollMs?: number): Loaded<T> {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<string>();
  const [loading, setLoading] = useState(path !== null);
  const current = useRef(path);
  current.current = path;
  const dataPath = useRef<string | null>(null);
  const reload = useCallback(async () => {
    if (path === null) return;
    try {
      const body = await api<T>(path);
      if (current.current !== path) return;
      dataPath.current = path;
      setData(body);
      setError(undefined);
    } catch (err) {
      if (current.current !== path) return;
      setError((err as Error).message);
      // A failed poll keeps what it showed; a refused new path (a bad filter) shows no stale rows.
      if (dataPath.current !== path) setData(undefined);
    } finally {
      if (current.current === path) setLoading(false);
    }
  }, [path]);
  useEffect(() => {
    setLoading(path !== null);
    void reload();
    if (!pollMs) return;
    const timer = setInterval(() => void reload(), pollMs);
    return () => clearInterval(timer);
  }, [reload, pollMs, path]);
  return { data, error, loading, reload };
}

export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  return d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
}

/** A log line as the API sends it (docs/api.md). */
export interface StreamedLogLine {
  seq: number;
  ts: string;
  level: string;
  stream: string;
  message: string;
}

/**
 * Follows an execution's log stream (SSE, through the proxy): stored lines after `after`, then
 * live ones, until the execution ends. A dropped connection reconnects on its own (EventSource
 * resends the last seq); one the API refuses ends the follow. Returns the function that stops it.
 */
export function followLogs(
  executionId: string,
  handlers: { after?: number; onLine: (line: StreamedLogLine) => void; onEnd: () => void },
): () => void {
  const query = handlers.after !== undefined ? `?after=${handlers.after}` : '';
  const source = new EventSource(
    `/api/proxy/executions/${encodeURIComponent(executionId)}/logs/stream${query}`,
  );
  let ended = false;
  const end = () => {
    source.close();
    if (!ended) handlers.onEnd();
    ended = true;
  };
  source.addEventListener('log', (ev) => handlers.onLine(JSON.parse((ev as MessageEvent).data)));
  source.addEventListener('end', end);
  source.onerror = () => {
    if (source.readyState === EventSource.CLOSED) end();
  };
  return () => {
    ended = true;
    source.close();
  };
}

/** `value`, once it has stayed the same for `ms` (a filter typed into a field). */
export function useDebounced<T>(value: T, ms = 300): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return settled;
}
