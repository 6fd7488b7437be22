'use client';
import { useEffect, useRef, useState } from 'react';
import { api } from '@/lib/api';
import { LogLine, LogLines } from './log-lines';
import type { Settings } from './script-settings';
import { ErrorState, StatusBadge } from './states';

interface TryResult {
  id: string;
  status: string;
  result: unknown;
  error: { message: string; stack?: string } | null;
  durationMs: number | null;
  logs: LogLine[];
}

/** Runs the editor's code as it is, unsaved, with a JSON input (Ctrl/Cmd+Enter in the editor too). */
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
  const [running, setRunning] = useState(false);
  const [out, setOut] = useState<TryResult>();
  const [error, setError] = useState<string>();
  const latest = useRef({ code, input, settings, language });
  latest.current = { code, input, settings, language };

  async function run() {
    const { code, input, settings, language } = latest.current;
    let parsed: unknown;
    try {
      parsed = input.trim() ? JSON.parse(input) : undefined;
      setInputError(undefined);
    } catch (err) {
      setInputError(`The input is not valid JSON: ${(err as Error).message}`);
      return;
    }
    setRunning(true);
    setError(undefined);
    try {
      setOut(
        await api<TryResult>('/try', {
          method: 'POST',
          body: {
            code,
            language,
            input: parsed,
            secrets: settings.secrets,
            timeoutMs: settings.timeoutMs,
            memoryMb: settings.memoryMb,
            network: settings.network,
          },
        }),
      );
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setRunning(false);
    }
  }

  useEffect(() => {
    if (runSignal > 0) void run();
  }, [runSignal]);

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
        {running ? 'Running…' : 'Run'}
      </button>
      {error && <ErrorState message={error} />}
      <div aria-live="polite" data-testid="try-output">
        {out && (
          <>
            <p>
              <StatusBadge status={out.status} /> {out.durationMs !== null ? `${out.durationMs} ms` : ''}
            </p>
            <h3>Logs</h3>
            <LogLines lines={out.logs ?? []} label="Try-out logs" />
            {out.error ? (
              <>
                <h3>Error</h3>
                <pre className="error-box" data-testid="try-error">
                  {out.error.message}
                  {out.error.stack ? `\n${out.error.stack}` : ''}
                </pre>
              </>
            ) : (
              <>
                <h3>Result</h3>
                <pre data-testid="try-result">{JSON.stringify(out.result, null, 2)}</pre>
              </>
            )}
          </>
        )}
      </div>
    </section>
  );
}
