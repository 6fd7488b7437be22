import { createPublicKey, KeyObject, verify } from 'node:crypto';
import {
  badSignature,
  deliveryIdOf,
  header,
  jsonField,
  missing,
  ok,
  outsideTolerance,
  SignedRequest,
  unixSeconds,
  Verification,
} from './verification';

/** The DER (SPKI) prefix of a raw 32-byte Ed25519 public key. */
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

/** The application's public key (hex, as Discord's developer portal shows it) as a key object, made once per trigger load. */
export function discordPublicKey(hex: string): KeyObject {
  return createPublicKey({
    key: Buffer.concat([ED25519_SPKI_PREFIX, Buffer.from(hex, 'hex')]),
    format: 'der',
    type: 'spki',
  });
}

/** Discord interactions: Ed25519 `X-Signature-Ed25519` over `X-Signature-Timestamp + body`. */
export function verifyDiscord(
  req: SignedRequest,
  publicKey: KeyObject,
  nowSeconds: number,
  toleranceSeconds: number,
): Verification {
  const signature = header(req.headers, 'x-signature-ed25519');
  const timestamp = header(req.headers, 'x-signature-timestamp');
  if (!signature) return missing('X-Signature-Ed25519');
  if (!timestamp) return missing('X-Signature-Timestamp');
  if (!/^[0-9a-fA-F]{128}$/.test(signature)) return badSignature('X-Signature-Ed25519 is not 128 hex digits');
  const signed = Buffer.concat([Buffer.from(timestamp, 'utf8'), req.rawBody]);
  if (!verify(null, signed, publicKey, Buffer.from(signature, 'hex'))) {
    return badSignature('X-Signature-Ed25519 does not verify with the public key');
  }
  const t = unixSeconds(timestamp);
  if (t === null) return badSignature('X-Signature-Timestamp is not unix seconds');
  return (
    outsideTolerance(t, nowSeconds, toleranceSeconds, 'X-Signature-Timestamp') ??
    ok(deliveryIdOf(jsonField(req.rawBody, 'id')))
  );
}
