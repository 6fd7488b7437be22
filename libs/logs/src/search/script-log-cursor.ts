import { InvalidLogSearch } from './log-search-filter';
import type { ScriptLogPosition } from './log-search-sql';

/** A script search's `nextCursor`: the last line's sort key, opaque to callers (base64url JSON). */
export function encodeScriptLogCursor(position: ScriptLogPosition): string {
  return Buffer.from(JSON.stringify([position.ts, position.executionId, position.seq])).toString('base64url');
}

/** The position a `nextCursor` stands for; InvalidLogSearch when it is not one this API returned. */
export function decodeScriptLogCursor(cursor: string): ScriptLogPosition {
  try {
    const [ts, executionId, seq] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      typeof ts === 'string' &&
      !Number.isNaN(Date.parse(ts)) &&
      typeof executionId === 'string' &&
      executionId.length <= 200 &&
      !executionId.includes('\u0000') &&
      Number.isInteger(seq) &&
      seq >= 0 &&
      seq <= 2 ** 31 - 1
    ) {
      return { ts: new Date(ts).toISOString(), executionId, seq };
    }
  } catch {
    // Falls through to the error below.
  }
  throw new InvalidLogSearch('cursor is not a nextCursor returned by this endpoint');
}
