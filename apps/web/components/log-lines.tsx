'use client';
import type { StreamedLogLine } from '@/lib/api';

export type LogLine = StreamedLogLine;

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

/** `lines` with `more` merged in, each seq once, in seq order (pages and a stream overlap). */
export function mergeLines(lines: LogLine[], more: LogLine[]): LogLine[] {
  const seen = new Set(lines.map((l) => l.seq));
  const added = more.filter((l) => !seen.has(l.seq) && seen.add(l.seq));
  if (added.length === 0) return lines;
  return [...lines, ...added].sort((a, b) => a.seq - b.seq);
}
