import { HMAC_TOLERANCE_SECONDS, verifyHmac } from '../http/webhook-auth';
import {
  anyEqual,
  badSignature,
  header,
  missing,
  ok,
  sha256,
  SignedRequest,
  Verification,
  VerifierKeys,
} from './verification';

/** Runlet's own `X-Runlet-Signature: t=<ts>,v1=<hex>` (the `hmac` scheme's default). */
export function verifyRunletSignature(
  req: SignedRequest,
  keys: VerifierKeys,
  nowSeconds: number,
  toleranceSeconds = HMAC_TOLERANCE_SECONDS,
): Verification {
  const value = header(req.headers, 'x-runlet-signature');
  if (!value) return missing('X-Runlet-Signature');
  const check = verifyHmac(value, req.rawBody, keys.secrets, nowSeconds, toleranceSeconds);
  if (check.ok) return ok();
  if (check.reason.startsWith('timestamp')) {
    return { ok: false, reason: 'outside_tolerance', message: `X-Runlet-Signature ${check.reason}` };
  }
  return badSignature(check.reason);
}

/** `Authorization: Bearer <token>`, compared as sha256 digests (constant time, equal lengths). */
export function verifyBearerToken(req: SignedRequest, keys: VerifierKeys): Verification {
  const value = header(req.headers, 'authorization');
  if (!value) return missing('Authorization');
  const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(value);
  if (!match) return badSignature('Authorization is not Bearer <token>');
  const expected = [...keys.secrets.map(sha256), ...keys.tokenHashes];
  return anyEqual(expected, [sha256(match[1])]) ? ok() : badSignature('wrong token');
}
