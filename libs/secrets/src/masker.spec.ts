import { createMasker, maskDeep } from './masker';

describe('createMasker', () => {
  const mask = createMasker(['s3cr3t-token', 'pa"ss\\word\n', 'abc']);

  it('masks the plain value wherever it occurs', () => {
    expect(mask('token=s3cr3t-token and again s3cr3t-token.')).toBe('token=*** and again ***.');
  });

  it('masks the base64 form, padded or not', () => {
    const b64 = Buffer.from('s3cr3t-token').toString('base64');
    expect(mask(`auth ${b64}`)).toBe('auth ***');
    expect(mask(`auth ${b64.replace(/=+$/, '')}`)).toBe('auth ***');
  });

  it('masks the JSON-escaped form', () => {
    expect(mask(JSON.stringify({ p: 'pa"ss\\word\n' }))).toBe('{"p":"***"}');
  });

  it('ignores values shorter than 4 characters', () => {
    expect(mask('abc abcd')).toBe('abc abcd');
  });

  it('prefers the longest match when secrets overlap', () => {
    const overlap = createMasker(['abcd', 'abcdefgh']);
    expect(overlap('xabcdefghx abcd')).toBe('x***x ***');
  });

  it('treats regex metacharacters literally', () => {
    expect(createMasker(['a.b*c+'])('a.b*c+ aXbbc')).toBe('*** aXbbc');
  });

  it('is the identity without secrets', () => {
    expect(createMasker([])('nothing to hide')).toBe('nothing to hide');
  });
});

describe('maskDeep', () => {
  it('masks strings and keys inside nested values and keeps other types', () => {
    const mask = createMasker(['hunter22']);
    expect(maskDeep({ a: ['x hunter22', 1, null], hunter22: { b: true } }, mask)).toEqual({
      a: ['x ***', 1, null],
      '***': { b: true },
    });
  });
});
