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
  unixSeconds,
  Verification,
  VerifierKeys,
} from './verification';

/**
 * Stripe: `Stripe-Signature: t=<ts>,v1=<hex>[,v1=<hex>…]` over `"<t>.<body>"` with the `whsec_…`
 * secret used as given; any v1 may match (Stripe signs with each of its active secrets).
 */
export function verifyStripe(
  req: SignedRequest,
  keys: VerifierKeys,
  nowSeconds: number,
  toleranceSeconds: number,
): Verification {
  const value = header(req.headers, 'stripe-signature');
  if (!value) return missing('Stripe-Signature');
  let t: number | null = null;
  const presented: Buffer[] = [];
  for (const part of value.split(',')) {
    const eq = part.indexOf('=');
    const key = part.slice(0, eq).trim();
    const v = part.slice(eq + 1).trim();
    if (key === 't') t = unixSeconds(v);
    else if (key === 'v1' && /^[0-9a-fA-F]{64}$/.test(v)) presented.push(Buffer.from(v, 'hex'));
  }
  if (t === null) return badSignature('Stripe-Signature has no t=<unix seconds>');
  if (presented.length === 0) return badSignature('Stripe-Signature has no v1 signature');
  const expected = keys.secrets.map((s) => hmac('sha256', s, `${t}.`, req.rawBody));
  if (!anyEqual(expected, presented)) return badSignature('no v1 in Stripe-Signature matches the body');
  return (
    outsideTolerance(t, nowSeconds, toleranceSeconds, 'Stripe-Signature t') ??
    ok(deliveryIdOf(jsonField(req.rawBody, 'id')))
  );
}
