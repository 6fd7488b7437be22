import { ValidationError } from './errors';

/**
 * Checks `decide` applies to every field of every command, so nothing a projection cannot store
 * becomes an event: PostgreSQL text and jsonb refuse U+0000 and unpaired surrogates, INT columns
 * hold 32 bits, TIMESTAMPTZ columns need real dates.
 */

/** The largest value of a PostgreSQL INT column (versions, attempts, durations). */
export const MAX_INT = 2_147_483_647;

// eslint-disable-next-line no-control-regex -- finding U+0000 is the point
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** True when PostgreSQL can store `value` as text (no NUL, no unpaired surrogate). */
export function isStorableText(value: string): boolean {
  return !UNSTORABLE.test(value);
}

/** A string the store can hold; `maxLength` in characters. */
export function text(
  field: string,
  value: unknown,
  opts: { maxLength?: number; nonEmpty?: boolean } = {},
): string {
  if (typeof value !== 'string') throw new ValidationError(`${field} must be a string, got ${kindOf(value)}`);
  if (opts.nonEmpty && !value.trim()) throw new ValidationError(`${field} must not be empty`);
  if (opts.maxLength !== undefined && value.length > opts.maxLength) {
    throw new ValidationError(`${field} must be at most ${opts.maxLength} characters`);
  }
  if (!isStorableText(value)) {
    throw new ValidationError(`${field} must not contain NUL (U+0000) or unpaired surrogate characters`);
  }
  return value;
}

/** `text` for undefined-or-string fields. */
export function optionalText(field: string, value: unknown, maxLength?: number): string | undefined {
  return value === undefined ? undefined : text(field, value, { maxLength });
}

/** An identifier: a non-empty string of at most 200 characters the store can hold. */
export function id(field: string, value: unknown): string {
  return text(field, value, { maxLength: 200, nonEmpty: true });
}

export function integer(field: string, value: unknown, min: number, max = MAX_INT): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new ValidationError(`${field} must be an integer between ${min} and ${max}, got ${show(value)}`);
  }
  return value;
}

export function boolean(field: string, value: unknown): boolean {
  if (typeof value !== 'boolean')
    throw new ValidationError(`${field} must be true or false, got ${show(value)}`);
  return value;
}

export function oneOf<T extends string>(field: string, value: unknown, allowed: readonly T[]): T {
  if (!allowed.includes(value as T)) {
    throw new ValidationError(
      `${field} must be one of ${allowed.map((v) => `'${v}'`).join(', ')}, got ${show(value)}`,
    );
  }
  return value as T;
}

/** A date (ISO string or Date) as a canonical ISO string. */
export function isoDate(field: string, value: unknown): string {
  const time =
    value instanceof Date ? value.getTime() : typeof value === 'string' ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(time)) throw new ValidationError(`${field} must be a valid date, got ${show(value)}`);
  return new Date(time).toISOString();
}

/** A plain object `{ name: string }` whose keys and values the store can hold. */
export function stringMap(field: string, value: unknown): Record<string, string> {
  if (!isPlainObject(value)) throw new ValidationError(`${field} must be an object, got ${kindOf(value)}`);
  for (const [key, v] of Object.entries(value)) {
    text(`${field} key`, key);
    text(`${field}["${key}"]`, v);
  }
  return value as Record<string, string>;
}

/** Any JSON value the store can hold (every string and key is checked). */
export function storableJson(field: string, value: unknown): unknown {
  const problem = jsonProblem(value, field, 0);
  if (problem) throw new ValidationError(problem);
  return value;
}

function jsonProblem(value: unknown, path: string, depth: number): string | null {
  if (depth > 100) return `${path} is nested too deeply`;
  if (typeof value === 'string') {
    return isStorableText(value)
      ? null
      : `${path} must not contain NUL (U+0000) or unpaired surrogate characters`;
  }
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isFinite(value)) return `${path} must be a finite number`;
    return typeof value === 'function' || typeof value === 'symbol' || typeof value === 'bigint'
      ? `${path} must be JSON`
      : null;
  }
  const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value);
  for (const [key, v] of entries) {
    if (!isStorableText(key)) return `${path} has a key with NUL (U+0000) or unpaired surrogate characters`;
    const problem = jsonProblem(v, `${path}.${key}`, depth + 1);
    if (problem) return problem;
  }
  return null;
}

/** Platform-made diagnostics (build output) are kept, with unstorable characters replaced by U+FFFD. */
export function storableDiagnostic(value: unknown): string {
  const s = typeof value === 'string' ? value : value === undefined || value === null ? '' : String(value);
  return isStorableText(s) ? s : s.replace(new RegExp(UNSTORABLE.source, 'g'), '\ufffd');
}

/** A non-negative duration in whole milliseconds (the projections store INT). */
export function durationMs(value: unknown): number {
  const n = typeof value === 'number' && Number.isFinite(value) ? Math.round(value) : 0;
  return Math.min(Math.max(n, 0), MAX_INT);
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value;
}

function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 50 ? `${value.slice(0, 50)}…` : value);
  return typeof value === 'object' && value !== null ? kindOf(value) : String(value);
}
