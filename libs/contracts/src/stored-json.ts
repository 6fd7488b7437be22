/**
 * The stored form of values users and scripts produce (docs/json-encoding.md). PostgreSQL's
 * `jsonb` refuses `\u0000` and unpaired surrogates, and its `text` refuses NUL (and the driver
 * turns a lone surrogate into U+FFFD), so every string, object key and text column holding such a
 * value goes in escaped, by a reversible scheme that leaves every other string as it is:
 *
 *   NUL                    → MARK '0'
 *   a lone surrogate U+XXXX → MARK 'u' XXXX (4 lower-case hex digits)
 *   MARK itself            → MARK MARK
 *
 * MARK is U+FDD0, a Unicode noncharacter (reserved for a program's internal use). Values nest at
 * most MAX_STORED_DEPTH containers deep. Pure: no I/O, no dependencies.
 */

export const STORED_MARK = '\uFDD0';

/** Arrays and objects nested deeper than this are refused (well inside every engine's limit). */
export const MAX_STORED_DEPTH = 1000;

/** A value that has no stored form (nested too deeply). */
export class StoredJsonError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StoredJsonError';
  }
}

// A string needs escaping when it holds NUL, MARK or a surrogate without its pair.
/* eslint-disable no-control-regex -- NUL is exactly what these match */
const NEEDS_ESCAPE = /[\u0000\uFDD0]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const TO_ESCAPE = /[\u0000\uFDD0]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
/* eslint-enable no-control-regex */
const ESCAPED = /\uFDD0(?:(0)|(\uFDD0)|u([0-9a-f]{4}))/g;

/** The stored form of one string (a text column, a key or a string inside JSON). */
export function toStoredText(text: string): string {
  if (!NEEDS_ESCAPE.test(text)) return text;
  return text.replace(TO_ESCAPE, (c) =>
    c === '\u0000'
      ? `${STORED_MARK}0`
      : c === STORED_MARK
        ? STORED_MARK + STORED_MARK
        : `${STORED_MARK}u${hex4(c)}`,
  );
}

/** The string a stored one stands for. A MARK not followed by an escape is kept as is. */
export function fromStoredText(text: string): string {
  if (!text.includes(STORED_MARK)) return text;
  return text.replace(ESCAPED, (_all, nul, mark, code) =>
    nul ? '\u0000' : mark ? STORED_MARK : String.fromCharCode(parseInt(code, 16)),
  );
}

/**
 * The stored form of a JSON value: every string and key through toStoredText. Anything else
 * is kept as JSON.stringify would see it (`undefined` members stay, to be dropped by it); an
 * object with `toJSON` (a Date) is stored as what that returns. Returns the same reference when
 * nothing needed escaping, so clean values cost one walk and no copy. Throws StoredJsonError
 * past MAX_STORED_DEPTH.
 */
export function toStored<T>(value: T): T {
  return walk(value, toStoredText, 0, true) as T;
}

/** The value a stored one stands for (inverse of toStored on JSON values). */
export function fromStored<T>(value: T): T {
  return walk(value, fromStoredText, 0, false) as T;
}

/** `encoding`: toStored (follows toJSON, enforces the depth limit); else fromStored. */
function walk(value: unknown, text: (s: string) => string, depth: number, encoding: boolean): unknown {
  if (typeof value === 'string') return text(value);
  if (typeof value !== 'object' || value === null) return value;
  if (encoding && typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    return walk((value as { toJSON: () => unknown }).toJSON(), text, depth, encoding);
  }
  if (encoding && depth >= MAX_STORED_DEPTH)
    throw new StoredJsonError(`nested deeper than ${MAX_STORED_DEPTH} levels`);
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const mapped = walk(value[i], text, depth + 1, encoding);
      if (mapped !== value[i] && !copy) copy = value.slice(0, i);
      copy?.push(mapped);
    }
    return copy ?? value;
  }
  const entries = Object.entries(value);
  let copy: Record<string, unknown> | undefined;
  for (let i = 0; i < entries.length; i++) {
    const [key, item] = entries[i];
    const mappedKey = text(key);
    const mapped = walk(item, text, depth + 1, encoding);
    if ((mapped !== item || mappedKey !== key) && !copy) {
      copy = {};
      for (let j = 0; j < i; j++) define(copy, entries[j][0], entries[j][1]);
    }
    if (copy) define(copy, mappedKey, mapped);
  }
  return copy ?? value;
}

/** An own property, also for the key `__proto__` (which JSON.parse makes an own property too). */
function define(object: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__')
    Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
  else object[key] = value;
}

function hex4(c: string): string {
  return c.charCodeAt(0).toString(16).padStart(4, '0');
}

/**
 * Whether a parsed JSON value nests deeper than `max` containers. Iterative, so a request body of
 * any depth is measured without recursion (a recursive validator overflows).
 */
export function nestedTooDeep(value: unknown, max = MAX_STORED_DEPTH): boolean {
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length) {
    const [node, depth] = stack.pop()!;
    if (typeof node !== 'object' || node === null) continue;
    if (depth >= max) return true;
    for (const child of Array.isArray(node) ? node : Object.values(node)) {
      if (typeof child === 'object' && child !== null) stack.push([child, depth + 1]);
    }
  }
  return false;
}
