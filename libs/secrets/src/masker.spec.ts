import fc from 'fast-check';
import { LineMasker } from './line-masker';
import { createMasker, MASK, maskDeep } from './masker';
import { MIN_SECRET_LENGTH } from './secret-forms';

const b64 = (s: string | Buffer) => Buffer.from(s).toString('base64');

describe('createMasker', () => {
  const mask = createMasker(['s3cr3t-token', 'pa"ss\\word\n', 'abc']);

  it('masks the plain value wherever it occurs', () => {
    expect(mask('token=s3cr3t-token and again s3cr3t-token.')).toBe('token=*** and again ***.');
  });

  it('masks the base64 form, padded or not, and base64url', () => {
    expect(mask(`auth ${b64('s3cr3t-token')}`)).toBe('auth ***');
    expect(mask(`auth ${b64('s3cr3t-token').replace(/=+$/, '')}`)).toBe('auth ***');
    const url = createMasker(['??>>??>>'])(Buffer.from('??>>??>>').toString('base64url'));
    expect(url).not.toContain(Buffer.from('??>>??>>').toString('base64url').slice(0, 8));
  });

  it('masks the base64 form at each of the three offsets inside a longer encoded text', () => {
    for (const prefix of ['', 'a', 'ab', 'abc', 'Authorization: Basic user:']) {
      const encoded = b64(`${prefix}s3cr3t-token and more`);
      const masked = mask(encoded);
      expect(masked).toContain(MASK);
      // at most the two characters that mix the secret's bits with its neighbours' stay on each side
      expect(masked.length).toBeLessThanOrEqual(
        encoded.length - b64('s3cr3t-token').length + MASK.length + 4,
      );
    }
  });

  it('masks the JSON-escaped form, also escaped twice', () => {
    expect(mask(JSON.stringify({ p: 'pa"ss\\word\n' }))).toBe('{"p":"***"}');
    expect(mask(JSON.stringify(JSON.stringify({ p: 'pa"ss\\word\n' })))).not.toContain('pa\\\\\\"ss');
  });

  it('masks the URL-encoded forms (percent and form encoding)', () => {
    const m = createMasker(['a b&c=d/é']);
    expect(m(`https://x/?q=${encodeURIComponent('a b&c=d/é')}`)).toBe('https://x/?q=***');
    expect(m(new URLSearchParams({ q: 'a b&c=d/é' }).toString())).toBe('q=***');
  });

  it('masks each line of a multi-line value, so one printed line by line is masked too', () => {
    const pem = '-----BEGIN KEY-----\nMIIBOgIBAAJBAKj34\n-----END KEY-----';
    const m = createMasker([pem]);
    expect(m(pem)).toBe(MASK);
    expect(m('line: MIIBOgIBAAJBAKj34')).toBe('line: ***');
  });

  it(`ignores values shorter than ${MIN_SECRET_LENGTH} characters`, () => {
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

describe('createMasker properties', () => {
  // '*' is left out of secrets: a secret made of asterisks would be re-formed by the mask itself.
  const secret = fc
    .string({ unit: 'grapheme', minLength: MIN_SECRET_LENGTH, maxLength: 40 })
    .filter((s) => s.length >= MIN_SECRET_LENGTH && !s.includes('*'));
  const text = fc.string({ unit: 'grapheme', maxLength: 40 });

  it('no plain, JSON-escaped or URL-encoded occurrence survives, whatever surrounds it', () => {
    fc.assert(
      fc.property(secret, text, text, (s, before, after) => {
        const mask = createMasker([s]);
        expect(mask(before + s + after)).not.toContain(s);
        const json = JSON.stringify(s).slice(1, -1);
        expect(mask(JSON.stringify({ k: before + s + after }))).not.toContain(json);
        expect(mask(encodeURIComponent(before + s + after))).not.toContain(encodeURIComponent(s));
      }),
    );
  });

  it('no base64 of the value survives at any offset: every aligned run of its characters is masked', () => {
    fc.assert(
      fc.property(secret, fc.uint8Array({ maxLength: 7 }), fc.uint8Array({ maxLength: 7 }), (s, p, q) => {
        const bytes = Buffer.from(s);
        const encoded = Buffer.concat([Buffer.from(p), bytes, Buffer.from(q)]).toString('base64');
        const masked = createMasker([s])(encoded);
        expect(masked).toContain(MASK);
        // What is left besides the mask encodes at most the neighbours and 2 bytes of the value's edges.
        const unmasked = masked.replace(MASK, '').length;
        const neighbours = Math.ceil(((p.length + q.length) * 8) / 6) + 4 + 3; // + padding
        expect(unmasked).toBeLessThanOrEqual(neighbours + 3);
      }),
    );
  });

  it('text made of characters no form can contain comes back unchanged', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[a-z]{4,20}$/),
        fc.string({ unit: fc.constantFrom('!', '#', '(', ')', ' ', '\n', '~'), maxLength: 50 }),
        (s, other) => expect(createMasker([s])(other)).toBe(other),
      ),
    );
  });
});

describe('LineMasker', () => {
  const run = (secrets: string[], messages: string[]) => {
    const out: string[] = [];
    const masker = new LineMasker(secrets, (line: { message: string }) => out.push(line.message));
    for (const message of messages) masker.push({ message });
    masker.flush();
    return out;
  };

  it('a secret written in two lines is masked in both', () => {
    expect(run(['hunter2-hunter2'], ['pass: hunter2-', 'hunter2 ok'])).toEqual(['pass: ***', '*** ok']);
  });

  it('a line that cannot start a secret is emitted at once, a line that might is held for the next', () => {
    const out: string[] = [];
    const masker = new LineMasker(['hunter2-hunter2'], (line: { message: string }) => out.push(line.message));
    masker.push({ message: 'plain line' });
    expect(out).toEqual(['plain line']);
    masker.push({ message: 'ends with hunt' });
    expect(out).toEqual(['plain line']);
    masker.push({ message: 'nothing' });
    expect(out).toEqual(['plain line', 'ends with hunt', 'nothing']);
  });

  it('a held line is released after a short while when no next line comes', async () => {
    const out: string[] = [];
    const masker = new LineMasker(
      ['hunter2-hunter2'],
      (line: { message: string }) => out.push(line.message),
      10,
    );
    masker.push({ message: 'ends with hunt' });
    await new Promise((r) => setTimeout(r, 50));
    expect(out).toEqual(['ends with hunt']);
  });

  it('keeps the other fields of a line and the order of lines', () => {
    const out: any[] = [];
    const masker = new LineMasker<any>(['hunter2-hunter2'], (line) => out.push(line));
    masker.push({ seq: 1, message: 'a hunter2-', level: 'info' });
    masker.push({ seq: 2, message: 'hunter2', level: 'warn' });
    masker.flush();
    expect(out).toEqual([
      { seq: 1, message: 'a ***', level: 'info' },
      { seq: 2, message: '***', level: 'warn' },
    ]);
  });

  it('property: however a text holding the secret is cut into lines, no line keeps it and none is lost', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[A-Za-z0-9+/=_-]{6,30}$/),
        fc.string({ maxLength: 20 }),
        fc.string({ maxLength: 20 }),
        fc.uniqueArray(fc.nat(80), { maxLength: 4 }),
        (s, before, after, cuts) => {
          const whole = before + s + after;
          const points = [...new Set(cuts.map((c) => c % (whole.length + 1)))].sort((a, b) => a - b);
          const pieces = [0, ...points].map((from, i) => whole.slice(from, [...points, whole.length][i]));
          const out = run([s], pieces);
          expect(out).toHaveLength(pieces.length);
          expect(out.join('')).not.toContain(s);
          for (const line of out) expect(line).not.toContain(s);
        },
      ),
    );
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
