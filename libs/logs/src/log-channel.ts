import type { LogLine } from '@runlet/contracts';

/** Wire format of the live-tail channel; private to this library. */
export type LogMessage = { lines: LogLine[] } | { end: true };

export const logChannel = (executionId: string): string => `runlet:logs:${executionId}`;

export const encodeLines = (lines: LogLine[]): string => JSON.stringify({ lines });
export const encodeEnd = (): string => JSON.stringify({ end: true });

export function decodeMessage(raw: string): LogMessage | undefined {
  try {
    const m = JSON.parse(raw);
    if (m?.end === true) return { end: true };
    if (Array.isArray(m?.lines)) return { lines: m.lines };
  } catch {
    // Not ours: ignored.
  }
  return undefined;
}
