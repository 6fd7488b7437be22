'use client';
import { useEffect, useRef, useState } from 'react';
import { api, followLogs } from '@/lib/api';
import { LogLine, LogLines, mergeLines } from './log-lines';
import type { Settings } from './script-settings';
import { ErrorState, StatusBadge } from './states';

interface TryExecution {
  id: string;
  status: string;
  result: unknown;
  error: { message: string; stack?: string } | null;
  durationMs: number | null;
}

const FINISHED = new Set(['succeeded', 'failed', 'timed_out', 'cancelled', 'skipped']);

/**
 * Runs the editor's code as it is, unsaved, with a JSON input (Ctrl/Cmd+Enter in the editor too).
 * The API answers once the code is built and queued (`wait: false`); the log lines then arrive
 * live over the execution's log stream, and the result when the stream ends. A running try-out
 * can be cancelled (the API aborts its sandbox).
 */
export function TryPanel({
  code,
  language,
  settings,
  runSignal,
}: {
  code: string;
  language: string;
  settings: Settings;
  runSignal: number;
}) {
  const [input, setInput] = useState('{}');
  const [inputError, setInputError] = useState<string>();
  const [phase, setPhase] = useState<'idle' | 'building' | 'running'>('idle');
  const [lines, setLines] = useState<LogLine[]>();
  const [out, setOut] = useState<TryExecution>();
  const [error, setError] = useState<string>();
  // The running try-out's execution, while it can be cancelled.
  const [runningId, setRunningId] = useState<string>();
  const [cancelling, setCancelling] = useState(false);
  const latest = useRef({ code, input, settings, language });
  latest.current = { code, input, settings, language };
  // One try-out at a time (Ctrl/Cmd+Enter too); leaving the page stops following it.
  const busy = useRef(false);
  const left = useRef(false);
  const stopFollowing = useRef<() => void>(undefined);
  useEffect(() => {
    left.current = false;
    return () => {
      left.current = true;
      stopFollowing.current?.();
    };
  }, []);

  async function run() {
    if (busy.current) return;
    const { code, input, settings, language } = latest.current;
    let parsed: unknown;
    try {
      parsed = input.trim() ? JSON.parse(input) : undefined;
      setInputError(undefined);
    } catch (err) {
      setInputError(`The input is not valid JSON: ${(err as Error).message}`);
      return;
    }
    busy.current = true;
    setPhase('building');
    setError(undefined);
    setOut(undefined);
    setLines(undefined);
    try {
      const { executionId } = await api<{ executionId: string }>('/try', {
        method: 'POST',
        body: {
          code,
          language,
          input: parsed,
          secrets: settings.secrets,
          timeoutMs: settings.timeoutMs,
          memoryMb: settings.memoryMb,
          network: settings.network,
          wait: false,
        },
      });
      setPhase('running');
      setRunningId(executionId);
      setLines([]);
      await new Promise<void>((resolve) => {
        const stop = followLogs(executionId, {
          onLine: (line) => setLines((prev) => mergeLines(prev ?? [], [line])),
          onEnd: resolve,
        });
        stopFollowing.current = () => (stop(), resolve());
      });
      if (!left.current) setOut(await finishedExecution(executionId));
    } catch (err) {
      setError((err as Error).message);
    } finally {
      busy.current = false;
      stopFollowing.current = undefined;
      setRunningId(undefined);
      setCancelling(false);
      setPhase('idle');
    }
  }

  /** Asks the API to cancel the try-out; its log stream then ends and the panel shows it cancelled. */
  async function cancel() {
    if (!runningId) return;
    setCancelling(true);
    try {
      await api(`/executions/${encodeURIComponent(runningId)}/cancel`, { method: 'POST' });
    } catch (err) {
      setError((err as Error).message);
      setCancelling(false);
    }
  }

  useEffect(() => {
    if (runSignal > 0) void run();
  }, [runSignal]);

  const running = phase !== 'idle';
  return (
    <section aria-labelledby="try-title" className="panel">
      <h2 id="try-title">Try it out</h2>
      <div className="field">
        <label htmlFor="try-input">Input (JSON)</label>
        <textarea
          id="try-input"
          rows={4}
          value={input}
          onChange={(e) => setInput(e.target.value)}
          aria-invalid={inputError ? true : undefined}
          onKeyDown={(e) => {
            if ((e.ctrlKey || e.metaKey) && e.key === 'Enter') {
              e.preventDefault();
              void run();
            }
          }}
        />
      </div>
      {inputError && <ErrorState message={inputError} />}
      <button type="button" onClick={() => void run()} disabled={running}>
        {phase === 'building' ? 'Building…' : phase === 'running' ? 'Running…' : 'Run'}
      </button>{' '}
      {runningId && (
        <button type="button" className="secondary" onClick={() => void cancel()} disabled={cancelling}>
          {cancelling ? 'Cancelling…' : 'Cancel'}
        </button>
      )}
      {error && <ErrorState message={error} />}
      <div aria-live="polite" data-testid="try-output">
        {(lines || out) && (
          <>
            <p>
              <StatusBadge status={out?.status ?? 'running'} />{' '}
              {out?.durationMs != null ? `${out.durationMs} ms` : ''}
            </p>
            <h3>Logs{out ? '' : ' (live)'}</h3>
            <LogLines lines={lines ?? []} label="Try-out logs" />
          </>
        )}
        {out &&
          (out.error ? (
            <>
              <h3>Error</h3>
              <pre className="error-box" data-testid="try-error">
                {out.error.message}
                {out.error.stack ? `\n${out.error.stack}` : ''}
              </pre>
            </>
          ) : out.status === 'cancelled' ? (
            <p data-testid="try-cancelled">Cancelled before it finished: no result.</p>
          ) : (
            <>
              <h3>Result</h3>
              <pre data-testid="try-result">{JSON.stringify(out.result, null, 2)}</pre>
            </>
          ))}
      </div>
    </section>
  );
}

/** The execution once its end is recorded (the log stream can end a moment before). */
async function finishedExecution(id: string): Promise<TryExecution> {
  for (let attempt = 0; ; attempt++) {
    const execution = await api<TryExecution>(`/executions/${id}`);
    if (FINISHED.has(execution.status) || attempt >= 50) return execution;
    await new Promise((r) => setTimeout(r, 200));
  }
}
