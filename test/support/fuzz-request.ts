import fc from 'fast-check';
import { gzipSync } from 'node:zlib';
import { deepJsonText, invalidUtf8, shortNasty, wtf8 } from './fuzz-values';
import { HeaderLines, RawRequest } from './raw-http';

/** One generated request and what it exercises (an OpenAPI operation or the webhook route). */
export interface FuzzCase {
  label: string;
  request: RawRequest;
  /** Sign the final body for this HMAC secret at send time (a signature holds the current time). */
  signWith?: string;
}

/** A header value from any string: its UTF-8 bytes, without CR/LF (they would end the header). */
export function headerBytes(s: string): Buffer {
  return Buffer.from(wtf8(s).filter((b) => b !== 0x0d && b !== 0x0a));
}

export const contentType: fc.Arbitrary<string | undefined> = fc.oneof(
  { weight: 12, arbitrary: fc.constant('application/json') },
  {
    weight: 6,
    arbitrary: fc.constantFrom(
      undefined,
      'application/json; charset=utf-8',
      'application/json; charset=UTF-16',
      'application/json; charset=latin1',
      'application/json; charset=bogus-8',
      'application/json; charset=',
      'application/json;;;',
      'application/vnd.api+json',
      'application/merge-patch+json',
      'text/json',
      'text/plain',
      'text/plain; charset=utf-8',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=xyz',
      'multipart/form-data',
      'application/octet-stream',
      'application/xml',
      '*/*',
      'application/json, text/plain',
      '',
      'json',
    ),
  },
  { weight: 1, arbitrary: shortNasty },
);

/** Content-Encoding, and what it does to the bytes (garbage for a declared compression, or real gzip). */
export const contentEncoding: fc.Arbitrary<{ name?: string; apply: (b: Buffer) => Buffer }> = fc.oneof(
  { weight: 20, arbitrary: fc.constant({ apply: (b: Buffer) => b }) },
  { weight: 2, arbitrary: fc.constant({ name: 'gzip', apply: (b: Buffer) => gzipSync(b) }) },
  {
    weight: 2,
    arbitrary: fc
      .constantFrom('gzip', 'deflate', 'br', 'identity', 'x-unknown', 'gzip, gzip')
      .map((name) => ({
        name,
        apply: (b: Buffer) => b,
      })),
  },
);

/** JSON text for a value, or text that is almost JSON, or bytes that are not text at all. */
export function serializedBody(value: fc.Arbitrary<unknown>): fc.Arbitrary<Buffer> {
  const json = value.map((v) => JSON.stringify(v) ?? 'null');
  return fc.oneof(
    { weight: 14, arbitrary: json.map((t) => Buffer.from(t)) },
    // Lone surrogates as raw (WTF-8) bytes rather than as \ud800 escapes.
    { weight: 1, arbitrary: value.map((v) => wtf8(JSON.stringify(v) ?? 'null')) },
    { weight: 2, arbitrary: deepJsonText.map((t) => Buffer.from(t)) },
    {
      weight: 2,
      arbitrary: fc.tuple(value, deepJsonText).map(([v, deep]) => {
        // One field of an otherwise plausible body nested very deep.
        const obj = v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
        const [key, ...others] = Object.keys(obj);
        if (!key) return Buffer.from(deep);
        const rest = Object.fromEntries(others.map((k) => [k, obj[k]]));
        const tail = others.length ? ',' + JSON.stringify(rest).slice(1) : '}';
        return Buffer.from(`{${JSON.stringify(key)}:${deep}${tail}`);
      }),
    },
    {
      weight: 4,
      arbitrary: fc
        .oneof(
          fc.tuple(json, fc.nat()).map(([t, n]) => Buffer.from(t.slice(0, n % Math.max(t.length, 1)))),
          json.map((t) => Buffer.from(t + '}}garbage')),
          json.map((t) => Buffer.from('\ufeff' + t)),
          json.map((t) => Buffer.from(t.replace(/"/g, "'"))),
          json.map((t) => Buffer.from(t.replace(/:\s*[^,}\]]+/, ':NaN'))),
          json.map((t) => Buffer.from(t.replace(/}$/, ',}'))),
          json.map((t) => Buffer.from(`/* c */${t}`)),
          fc.tuple(json, invalidUtf8).map(([t, bad]) => {
            // Invalid UTF-8 inside the first string literal.
            const at = t.indexOf('"') + 1;
            return Buffer.concat([Buffer.from(t.slice(0, at)), bad, Buffer.from(t.slice(at))]);
          }),
          json.map((t) => Buffer.concat([Buffer.from(t), Buffer.from([0])])),
          json.map((t) => Buffer.from(t, 'utf16le')),
          fc.constantFrom(
            '',
            ' ',
            'null',
            'true',
            '0',
            '"x"',
            '[]',
            '[',
            '{',
            '{"a":',
            '\u0000',
            'a=1&b=2',
            '{"__proto__":{"x":1}}',
          ),
        )
        .map((b) => (Buffer.isBuffer(b) ? b : Buffer.from(b))),
    },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 2048 }).map((a) => Buffer.from(a)) },
  );
}

/** Headers anyone may send, odd ones included (on every operation and webhook). */
export const oddHeaders: fc.Arbitrary<HeaderLines> = fc.array(
  fc.oneof(
    shortNasty.map((v) => ['x-correlation-id', headerBytes(v)] as [string, Buffer]),
    shortNasty.map((v) => ['idempotency-key', headerBytes(v)] as [string, Buffer]),
    shortNasty.map((v) => ['accept', headerBytes(v)] as [string, Buffer]),
    shortNasty.map((v) => ['last-event-id', headerBytes(v)] as [string, Buffer]),
    fc.constantFrom<[string, string]>(
      ['accept', 'text/event-stream'],
      ['accept', 'application/xml'],
      ['accept-encoding', 'gzip, br, zstd, *;q=0'],
      ['expect', '100-continue'],
      ['x-forwarded-for', '::1, 999.999.999.999, garbage'],
      ['range', 'bytes=0-1'],
      ['if-none-match', '*'],
      ['cookie', 'a=b; __proto__=x'],
      ['x-http-method-override', 'DELETE'],
      ['origin', 'null'],
    ),
    fc
      .tuple(fc.stringMatching(/^x-[a-z0-9-]{1,20}$/), shortNasty)
      .map(([name, v]) => [name, headerBytes(v)] as [string, Buffer]),
  ),
  { maxLength: 3 },
);

/**
 * Requests with one part broken and the others valid (so that the broken part is what the
 * platform meets, as deep as a valid request would go), now and then all parts broken at once,
 * and now and then none.
 */
export function oneBrokenPart<T extends Record<string, unknown>>(
  valid: { [K in keyof T]: fc.Arbitrary<T[K]> },
  broken: { [K in keyof T]: fc.Arbitrary<T[K]> },
  weights: { [K in keyof T]?: number },
): fc.Arbitrary<T> {
  const parts = Object.keys(broken) as (keyof T)[];
  return fc.oneof(
    ...parts.map((part) => ({
      weight: weights[part] ?? 1,
      arbitrary: fc.record({ ...valid, [part]: broken[part] } as { [K in keyof T]: fc.Arbitrary<T[K]> }),
    })),
    { weight: 3, arbitrary: fc.record(broken) },
    { weight: 1, arbitrary: fc.record(valid) },
  ) as fc.Arbitrary<T>;
}
