import { randomBytes } from 'node:crypto';
import { decryptSecret, encryptSecret } from './secret-box';

describe('secret box', () => {
  const key = randomBytes(32);

  it('round-trips and never contains the plain secret', () => {
    const box = encryptSecret('s3cret-value', key);
    expect(box).toMatch(/^v1\.[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(box).not.toContain('s3cret');
    expect(decryptSecret(box, key)).toBe('s3cret-value');
  });

  it('uses a fresh IV each time', () => {
    expect(encryptSecret('x', key)).not.toBe(encryptSecret('x', key));
  });

  it('refuses another key, a tampered box or another aad', () => {
    const box = encryptSecret('s3cret', key, 'trigger-1');
    expect(decryptSecret(box, key, 'trigger-1')).toBe('s3cret');
    expect(() => decryptSecret(box, randomBytes(32), 'trigger-1')).toThrow('cannot be opened');
    expect(() => decryptSecret(box, key, 'trigger-2')).toThrow('cannot be opened');
    const parts = box.split('.');
    const ct = Buffer.from(parts[3], 'base64url');
    ct[0] ^= 1;
    expect(() =>
      decryptSecret([...parts.slice(0, 3), ct.toString('base64url')].join('.'), key, 'trigger-1'),
    ).toThrow('cannot be opened');
  });

  it('rejects malformed boxes and keys of the wrong size', () => {
    expect(() => decryptSecret('nope', key)).toThrow('malformed secret box');
    expect(() => decryptSecret('v2.a.b.c', key)).toThrow('malformed secret box');
    expect(() => encryptSecret('x', randomBytes(16))).toThrow('secret box key must be 32 bytes');
  });
});
