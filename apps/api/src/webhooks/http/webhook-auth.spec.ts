import { signatureHeader, signHmac, verifyHmac } from './webhook-auth';

describe('verifyHmac', () => {
  const secret = 'a-runlet-hmac-secret';
  const body = Buffer.from('{"event":"push"}');
  const now = 1_780_000_000;

  it('accepts a valid signature', () => {
    expect(verifyHmac(signatureHeader(secret, now, body), body, [secret], now)).toEqual({ ok: true });
    expect(verifyHmac(signatureHeader(secret, now - 299, body), body, [secret], now)).toEqual({ ok: true });
  });

  it('signs "<t>.<raw body>" with HMAC-SHA256, hex', () => {
    // printf '1700000000.hello' | openssl dgst -sha256 -hmac key
    expect(signHmac('key', 1_700_000_000, Buffer.from('hello'))).toBe(
      '4d583a269f4f276a3fa80ff31b5a01879a848096983222a17893d198418939aa',
    );
  });

  it('signs binary bodies byte for byte', () => {
    const binary = Buffer.from([0xff, 0x00, 0xfe]);
    expect(verifyHmac(signatureHeader(secret, now, binary), binary, [secret], now)).toEqual({ ok: true });
    expect(
      verifyHmac(signatureHeader(secret, now, binary), Buffer.from([0xff, 0x00, 0xfd]), [secret], now),
    ).toEqual({
      ok: false,
      reason: 'signature mismatch',
    });
  });

  it('rejects a tampered body', () => {
    const header = signatureHeader(secret, now, body);
    expect(verifyHmac(header, Buffer.from('{"event":"pull"}'), [secret], now)).toEqual({
      ok: false,
      reason: 'signature mismatch',
    });
  });

  it('rejects a 10-minute-old (or future) timestamp', () => {
    expect(verifyHmac(signatureHeader(secret, now - 600, body), body, [secret], now)).toEqual({
      ok: false,
      reason: 'timestamp outside the 300 s tolerance',
    });
    expect(verifyHmac(signatureHeader(secret, now + 600, body), body, [secret], now).ok).toBe(false);
    expect(verifyHmac(signatureHeader(secret, now - 600, body), body, [secret], now, 900)).toEqual({
      ok: true,
    });
  });

  it('rejects a signature made with another secret, or a re-signed timestamp', () => {
    expect(verifyHmac(signatureHeader('other', now, body), body, [secret], now).ok).toBe(false);
    const v1 = signHmac(secret, now - 10, body);
    expect(verifyHmac(`t=${now},v1=${v1}`, body, [secret], now)).toEqual({
      ok: false,
      reason: 'signature mismatch',
    });
  });

  it('accepts any of several secrets and several v1 signatures (rotation)', () => {
    const header = `t=${now},v1=${signHmac('old', now, body)},v1=${signHmac(secret, now, body)}`;
    expect(verifyHmac(header, body, [secret], now)).toEqual({ ok: true });
    expect(verifyHmac(signatureHeader('old', now, body), body, [secret, 'old'], now)).toEqual({ ok: true });
  });

  it('reports a missing signature', () => {
    expect(verifyHmac(undefined, body, [secret], now)).toEqual({ ok: false, reason: 'missing signature' });
    expect(verifyHmac('', body, [secret], now)).toEqual({ ok: false, reason: 'missing signature' });
  });

  it.each([
    'garbage',
    `t=${now}`,
    'v1=' + 'a'.repeat(64),
    `t=abc,v1=${'a'.repeat(64)}`,
    `t=${now},v1=xyz`,
    `t=${now},t=${now},v1=${'a'.repeat(64)}`,
  ])('reports a malformed signature: %p', (header) => {
    expect(verifyHmac(header, body, [secret], now)).toEqual({ ok: false, reason: 'malformed signature' });
  });
});
