import {
  anyEqual,
  badSignature,
  deliveryIdOf,
  header,
  hmac,
  missing,
  ok,
  SignedRequest,
  Verification,
  VerifierKeys,
} from './verification';

/** Shopify: `X-Shopify-Hmac-Sha256: <base64 HMAC-SHA256(app secret, body)>`; no timestamp. */
export function verifyShopify(req: SignedRequest, keys: VerifierKeys): Verification {
  const value = header(req.headers, 'x-shopify-hmac-sha256');
  if (!value) return missing('X-Shopify-Hmac-Sha256');
  const presented = Buffer.from(value.trim(), 'base64');
  const expected = keys.secrets.map((s) => hmac('sha256', s, req.rawBody));
  if (!anyEqual(expected, [presented])) return badSignature('X-Shopify-Hmac-Sha256 does not match the body');
  return ok(deliveryIdOf(header(req.headers, 'x-shopify-webhook-id')));
}
