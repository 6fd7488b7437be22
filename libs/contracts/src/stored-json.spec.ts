import fc from 'fast-check';
import {
  fromStored,
  fromStoredText,
  MAX_STORED_DEPTH,
  nestedTooDeep,
  STORED_MARK,
  StoredJsonError,
  toStored,
  toStoredText,
} from './stored-json';

/** Any UTF-16 string: lone surrogates, NUL and the marker included (and made likely). */
const anyString = fc.string({
  unit: fc.oneof(
    fc.constantFrom('\u0000', STORED_MARK, '\ud800', '\udfff', '\ud83d\ude00', '0', 'u', 'd800'),
    fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)),
  ),
});

/** What PostgreSQL's jsonb and text can hold: well-formed UTF-16 without NUL. */
const storable = (s: string) =>
  !s.includes('\u0000') && !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(s);

const anyJson = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    anyString,
    fc.double({ noNaN: true, noDefaultInfinity: true }).filter((n) => !Object.is(n, -0)), // JSON has no -0
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value')),
    fc.dictionary(anyString, tie('value')),
  ),
})).value;

/** Every string and key of a JSON value. */
function stringsOf(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(stringsOf);
  if (value && typeof value === 'object')
    return Object.entries(value).flatMap(([k, v]) => [k, ...stringsOf(v)]);
  return [];
}

describe('stored JSON', () => {
  it('round-trips any string, and its stored form is storable', () => {
    fc.assert(
      fc.property(anyString, (s) => {
        const stored = toStoredText(s);
        expect(storable(stored)).toBe(true);
        expect(fromStoredText(stored)).toBe(s);
      }),
      { numRuns: 2000 },
    );
  });

  it('round-trips any JSON value, strings and keys alike, through a JSON text', () => {
    fc.assert(
      fc.property(anyJson, (value) => {
        const text = JSON.stringify(toStored(value));
        expect(stringsOf(JSON.parse(text)).every(storable)).toBe(true);
        expect(fromStored(JSON.parse(text))).toEqual(value);
      }),
      { numRuns: 500 },
    );
  });

  it('leaves strings without NUL, lone surrogates or the marker alone (the same value back)', () => {
    const clean = { a: ['x', 1, null, { 'é😀': 'ok\ttab' }], b: true };
    expect(toStored(clean)).toBe(clean);
    expect(fromStored(clean)).toBe(clean);
    expect(toStoredText('plain \\u0000 text')).toBe('plain \\u0000 text');
  });

  it('escapes NUL, lone surrogates and the marker as documented', () => {
    expect(toStoredText('a\u0000b')).toBe(`a${STORED_MARK}0b`);
    expect(toStoredText('\ud800x\udc00')).toBe(`${STORED_MARK}ud800x${STORED_MARK}udc00`);
    expect(toStoredText('\ud83d\ude00')).toBe('\ud83d\ude00'); // a pair is fine
    expect(toStoredText(STORED_MARK)).toBe(STORED_MARK + STORED_MARK);
    expect(toStored({ 'k\u0000': ['\ud800'] })).toEqual({ [`k${STORED_MARK}0`]: [`${STORED_MARK}ud800`] });
  });

  it('keeps a marker that starts no escape as it is', () => {
    expect(fromStoredText(`${STORED_MARK}x`)).toBe(`${STORED_MARK}x`);
  });

  it('keeps a __proto__ key an own member', () => {
    const value = JSON.parse('{"__proto__": "a\\u0000"}');
    const back = fromStored(JSON.parse(JSON.stringify(toStored(value))));
    expect(Object.keys(back)).toEqual(['__proto__']);
    expect(back.__proto__).toBe('a\u0000');
  });

  it('stores what toJSON returns (a Date as its ISO string), undefined members as JSON.stringify drops them', () => {
    const at = new Date('2026-01-02T03:04:05.000Z');
    expect(JSON.stringify(toStored({ at, gone: undefined, list: [undefined] }))).toBe(
      '{"at":"2026-01-02T03:04:05.000Z","list":[null]}',
    );
  });

  it(`refuses values nested deeper than ${MAX_STORED_DEPTH} levels, with the limit in the message`, () => {
    const nest = (levels: number) => {
      let v: unknown = 'a\u0000';
      for (let i = 0; i < levels; i++) v = i % 2 ? [v] : { v };
      return v;
    };
    expect(fromStored(toStored(nest(MAX_STORED_DEPTH)))).toEqual(nest(MAX_STORED_DEPTH));
    expect(() => toStored(nest(MAX_STORED_DEPTH + 1))).toThrow(StoredJsonError);
    expect(() => toStored(nest(MAX_STORED_DEPTH + 1))).toThrow(
      `nested deeper than ${MAX_STORED_DEPTH} levels`,
    );
  });

  it('nestedTooDeep measures exactly what toStored refuses, at any depth, without recursion', () => {
    const nest = (levels: number) => {
      let v: unknown = 1;
      for (let i = 0; i < levels; i++) v = i % 2 ? [v] : { v };
      return v;
    };
    expect(nestedTooDeep(nest(MAX_STORED_DEPTH))).toBe(false);
    expect(nestedTooDeep(nest(MAX_STORED_DEPTH + 1))).toBe(true);
    expect(nestedTooDeep(nest(200_000))).toBe(true);
    expect(nestedTooDeep('text')).toBe(false);
    expect(nestedTooDeep(undefined)).toBe(false);
  });
});
