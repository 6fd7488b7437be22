import {
  anyEqual,
  badSignature,
  deliveryIdOf,
  header,
  hmac,
  jsonField,
  missing,
  ok,
  outsideTolerance,
  SignedRequest,
  Verification,
  VerifierKeys,
} from './verification';

/**
 * Linear: `linear-signature: <hex HMAC-SHA256(secret, body)>`; the signed body's `webhookTimestamp`
 * (milliseconds) must be within the tolerance (Linear's SDK uses 60 s).
 */
export function verifyLinear(
  req: SignedRequest,
  keys: VerifierKeys,
  nowSeconds: number,
  toleranceSeconds: number,
): Verification {
  const value = header(req.headers, 'linear-signature');
  if (!value) return missing('linear-signature');
  if (!/^[0-9a-fA-F]{64}$/.test(value.trim())) return badSignature('linear-signature is not 64 hex digits');
  const expected = keys.secrets.map((s) => hmac('sha256', s, req.rawBody));
  if (!anyEqual(expected, [Buffer.from(value.trim(), 'hex')])) {
    return badSignature('linear-signature does not match the body');
  }
  const timestamp = jsonField(req.rawBody, 'webhookTimestamp');
  if (typeof timestamp !== 'number' || !Number.isFinite(timestamp)) {
    return badSignature('the body has no webhookTimestamp');
  }
  return (
    outsideTolerance(timestamp / 1000, nowSeconds, toleranceSeconds, 'webhookTimestamp') ??
    ok(deliveryIdOf(header(req.headers, 'linear-delivery')))
  );
}
