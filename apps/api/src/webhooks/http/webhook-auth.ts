import { createHmac, timingSafeEqual } from 'node:crypto';

/** Default window for `X-Runlet-Signature` timestamps; bounds how long a captured request can be replayed. */
export const HMAC_TOLERANCE_SECONDS = 300;

/** hex HMAC-SHA256(secret, "<t>.<raw body>"), over the raw bytes so binary bodies sign exactly. */
export function signHmac(secret: string, t: number, rawBody: Buffer): string {
  return createHmac('sha256', secret).update(`${t}.`, 'utf8').update(rawBody).digest('hex');
}

/** The full `X-Runlet-Signature` value for a body, as a sender would build it. */
export function signatureHeader(secret: string, t: number, rawBody: Buffer): string {
  return `t=${t},v1=${signHmac(secret, t, rawBody)}`;
}

export type HmacVerification = { ok: true } | { ok: false; reason: string };

/**
 * Verifies `X-Runlet-Signature: t=<unix seconds>,v1=<hex>` against any of `secrets` (plain, decrypted
 * from their secret boxes). Several `v1=` entries are allowed so senders can sign with old and new
 * secrets during a rotation.
 */
export function verifyHmac(
  signatureHeader: string | undefined,
  rawBody: Buffer,
  secrets: string[],
  nowSeconds: number,
  toleranceSeconds = HMAC_TOLERANCE_SECONDS,
): HmacVerification {
  if (!signatureHeader || !signatureHeader.trim()) return { ok: false, reason: 'missing signature' };
  let t: number | undefined;
  const signatures: Buffer[] = [];
  for (const part of signatureHeader.split(',')) {
    const eq = part.indexOf('=');
    if (eq < 0) return { ok: false, reason: 'malformed signature' };
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (key === 't') {
      if (!/^\d{1,12}$/.test(value) || t !== undefined) return { ok: false, reason: 'malformed signature' };
      t = Number(value);
    } else if (key === 'v1') {
      if (!/^[0-9a-fA-F]{64}$/.test(value)) return { ok: false, reason: 'malformed signature' };
      signatures.push(Buffer.from(value, 'hex'));
    }
    // Other keys (future schemes such as v2) are ignored, as senders may add them.
  }
  if (t === undefined || signatures.length === 0) return { ok: false, reason: 'malformed signature' };
  if (Math.abs(nowSeconds - t) > toleranceSeconds) {
    return { ok: false, reason: `timestamp outside the ${toleranceSeconds} s tolerance` };
  }
  let ok = false;
  for (const secret of secrets) {
    const expected = Buffer.from(signHmac(secret, t, rawBody), 'hex');
    for (const signature of signatures) {
      if (timingSafeEqual(expected, signature)) ok = true;
    }
  }
  return ok ? { ok: true } : { ok: false, reason: 'signature mismatch' };
}
