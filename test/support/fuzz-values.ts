import fc from 'fast-check';

/** Short strings a careless client or an attacker sends: NUL, lone surrogates, control and bidi characters. */
export const shortNasty: fc.Arbitrary<string> = fc.oneof(
  fc.string({ maxLength: 20 }),
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.constantFrom(
    '',
    ' ',
    '\u0000',
    'a\u0000b',
    '\ud800',
    'x\udfffy',
    '\udc00\ud800',
    '\ufeff',
    '\u202e\u2066',
    '\r\n',
    '%00',
    '%',
    '%ZZ',
    '%C0%AF',
    '../../etc/passwd',
    '${{7*7}}',
    "'; DROP TABLE events; --",
    '__proto__',
    'constructor',
    'null',
    'undefined',
    'NaN',
    '-0',
    '1e309',
    '😀',
    '\u0301\u0301\u0301',
    '\\u0000',
  ),
  fc
    .array(fc.constantFrom('a', '\u0000', '\ud800', '\udc00', 'é', '\n', '"', '\\', '😀'), { maxLength: 40 })
    .map((a) => a.join('')),
);

/** Those, and now and then a huge one (for bodies: headers and URLs have limits of their own). */
export const nastyString: fc.Arbitrary<string> = fc.oneof(
  { weight: 12, arbitrary: shortNasty },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom('\u0000', '\ud800', 'a', '😀', 'é'), fc.integer({ min: 1000, max: 200_000 }))
      .map(([s, n]) => s.repeat(n)),
  },
);

/** Numbers out of every range, and the JSON-expressible oddities around them. */
export const nastyNumber: fc.Arbitrary<number> = fc.oneof(
  fc.constantFrom(
    0,
    -0,
    -1,
    1.5,
    -1.5,
    0.1,
    2 ** 31,
    2 ** 31 - 1,
    -(2 ** 31) - 1,
    2 ** 53,
    2 ** 63,
    Number.MAX_SAFE_INTEGER + 2,
    Number.MAX_VALUE,
    Number.MIN_VALUE,
    -Number.MAX_VALUE,
    1e21,
  ),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);

/** Number-like text, for query values, path segments and hand-written JSON. */
export const nastyNumeral: fc.Arbitrary<string> = fc.oneof(
  nastyNumber.map(String),
  fc.constantFrom(
    'NaN',
    'Infinity',
    '-Infinity',
    '1e400',
    '-1e400',
    '0x10',
    '0b1',
    '1_000',
    ' 1',
    '1 ',
    '+1',
    '01',
    '1.',
    '.5',
    '1e',
    '--1',
    '99999999999999999999999999999999',
    '',
    'true',
    '[]',
    '{}',
  ),
);

/** Any JSON value, nested a little, with nasty strings and numbers in it. */
export const nastyJson: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    nastyNumber,
    nastyString,
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(
      fc.oneof(nastyString, fc.constantFrom('__proto__', 'constructor', 'prototype')),
      tie('value'),
      {
        maxKeys: 4,
      },
    ),
  ),
})).value;

/** A deeply nested array or object, as JSON text (built as text: the value itself could not be stringified). */
export const deepJsonText: fc.Arbitrary<string> = fc
  .tuple(fc.constantFrom(500, 5_000, 50_000, 100_000), fc.boolean())
  .map(([depth, arrays]) =>
    arrays ? '['.repeat(depth) + ']'.repeat(depth) : '{"a":'.repeat(depth) + '1' + '}'.repeat(depth),
  );

/** Something that is not the type a field asks for (or is, at an extreme). */
export const wrongValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  nastyNumber,
  nastyString,
  fc.constant([]),
  fc.constant({}),
  nastyJson,
  fc.integer({ min: 10_000, max: 100_000 }).map((n) => Array.from({ length: n }, (_, i) => i)),
);

/** Bytes that are not valid UTF-8 (overlong forms, encoded surrogates, stray continuation bytes, 0xFF). */
export const invalidUtf8: fc.Arbitrary<Buffer> = fc
  .array(
    fc.constantFrom(
      [0xff],
      [0xfe],
      [0xc0, 0xaf],
      [0xe0, 0x80, 0xaf],
      [0xed, 0xa0, 0x80],
      [0x80],
      [0xc3],
      [0xf4, 0x90, 0x80, 0x80],
      [0x00],
      [0x61],
    ),
    { minLength: 1, maxLength: 12 },
  )
  .map((parts) => Buffer.from(parts.flat()));

/** An identifier in a path: garbage, absent-but-valid-looking, or one of the real ones. */
export function pathId(real: string[]): fc.Arbitrary<string> {
  return fc.oneof(
    ...(real.length ? [{ weight: 3, arbitrary: fc.constantFrom(...real) }] : []),
    { weight: 2, arbitrary: fc.uuid() },
    { weight: 1, arbitrary: fc.uuid().map((u) => u.toUpperCase()) },
    { weight: 1, arbitrary: fc.uuid().map((u) => u.replace(/-/g, '')) },
    { weight: 3, arbitrary: shortNasty },
    { weight: 1, arbitrary: nastyNumeral },
    { weight: 1, arbitrary: fc.integer({ min: 300, max: 20_000 }).map((n) => 'a'.repeat(n)) },
  );
}

/** How a path segment or query value goes on the wire: encoded, raw, or with broken percent-encoding. */
export function encodedSegment(value: fc.Arbitrary<string>): fc.Arbitrary<Buffer> {
  return fc.oneof(
    { weight: 6, arbitrary: value.map((v) => Buffer.from(encodeURIComponentLoose(v), 'latin1')) },
    { weight: 1, arbitrary: value.map((v) => Buffer.from(v.replace(/[\s?#]/g, ''), 'utf8')) },
    { weight: 1, arbitrary: invalidUtf8.map((b) => Buffer.from(percentEncode(b), 'latin1')) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(
          value,
          fc.constantFrom('%', '%Z', '%ZZ', '%00', '%2F', '%2e%2e', '%u0041', '%E2%82', '%ED%A0%80'),
        )
        .map(([v, bad]) => Buffer.from(encodeURIComponentLoose(v) + bad, 'latin1')),
    },
  );
}

/** encodeURIComponent that also takes lone surrogates (as their WTF-8 bytes, percent-encoded). */
export function encodeURIComponentLoose(s: string): string {
  try {
    return encodeURIComponent(s);
  } catch {
    return percentEncode(wtf8(s));
  }
}

export function percentEncode(bytes: Buffer): string {
  return [...bytes].map((b) => '%' + b.toString(16).toUpperCase().padStart(2, '0')).join('');
}

/** UTF-8 that encodes lone surrogates as their three bytes, as some clients send them. */
export function wtf8(s: string): Buffer {
  const out: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s.codePointAt(i)!;
    if (c > 0xffff) i++;
    if (c < 0x80) out.push(c);
    else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 63));
    else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
    else out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
  }
  return Buffer.from(out);
}
