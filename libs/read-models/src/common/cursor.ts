import { isStorableText, ValidationError } from '@runlet/domain';

/** Opaque list cursors: base64url of a JSON tuple, so clients cannot depend on their shape. */
export function encodeCursor(values: unknown[]): string {
  return Buffer.from(JSON.stringify(values)).toString('base64url');
}

/** The times cursors hold: Date#toISOString's. */
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/**
 * The `[time, id]` a list's cursor holds (lists are ordered by a time, then the id), or
 * undefined for none. A cursor this API did not make is a ValidationError (400), never SQL's.
 */
export function decodeCursor(cursor: string | undefined): [string, string] | undefined {
  if (!cursor) return undefined;
  let values: unknown;
  try {
    values = /^[A-Za-z0-9_-]{1,1000}$/.test(cursor)
      ? JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'))
      : undefined;
  } catch {
    values = undefined;
  }
  if (
    !Array.isArray(values) ||
    values.length !== 2 ||
    typeof values[0] !== 'string' ||
    !ISO_TIME.test(values[0]) ||
    Number.isNaN(Date.parse(values[0])) ||
    typeof values[1] !== 'string' ||
    !isStorableText(values[1])
  ) {
    throw new ValidationError('cursor is not one this API returned (use nextCursor of the previous page)');
  }
  return [values[0], values[1]];
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}
