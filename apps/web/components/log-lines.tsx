'use client';

export interface LogLine {
  seq: number;
  ts: string;
  level: string;
  stream: string;
  message: string;
}

/** Log lines with their level; a focusable region so it scrolls by keyboard too. */
export function LogLines({ lines, label }: { lines: LogLine[]; label: string }) {
  if (lines.length === 0) return <p className="hint">No log lines.</p>;
  return (
    <ol className="log" tabIndex={0} aria-label={label} data-testid="log-lines">
      {lines.map((l) => (
        <li key={l.seq} className={`log-${l.level}`}>
          <span className="log-level">{l.level}</span> <span className="log-msg">{l.message}</span>
        </li>
      ))}
    </ol>
  );
}
