import {
  anyEqual,
  badSignature,
  deliveryIdOf,
  header,
  hmac,
  missing,
  ok,
  outsideTolerance,
  SignedRequest,
  unixSeconds,
  Verification,
  VerifierKeys,
} from './verification';

/** The HMAC key of a `whsec_<base64>` secret: its decoded bytes. */
export function standardWebhooksKey(secret: string): Buffer {
  return Buffer.from(secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : secret, 'base64');
}

/**
 * Standard Webhooks (Svix, GitLab signing tokens): `webhook-id`, `webhook-timestamp` and
 * `webhook-signature: v1,<base64> [v1,<base64>…]` over `"<id>.<timestamp>.<body>"`. Svix's own
 * `svix-*` header names are accepted too.
 */
export function verifyStandardWebhooks(
  req: SignedRequest,
  keys: VerifierKeys,
  nowSeconds: number,
  toleranceSeconds: number,
): Verification {
  const prefix = header(req.headers, 'webhook-signature')
    ? 'webhook'
    : header(req.headers, 'svix-signature')
      ? 'svix'
      : 'webhook';
  const id = header(req.headers, `${prefix}-id`);
  const timestamp = header(req.headers, `${prefix}-timestamp`);
  const signature = header(req.headers, `${prefix}-signature`);
  if (!signature) return missing('webhook-signature');
  if (!id) return missing(`${prefix}-id`);
  if (!timestamp) return missing(`${prefix}-timestamp`);
  const t = unixSeconds(timestamp);
  if (t === null) return badSignature(`${prefix}-timestamp is not unix seconds`);
  const presented = signature
    .split(' ')
    .filter((entry) => entry.startsWith('v1,'))
    .map((entry) => Buffer.from(entry.slice(3), 'base64'));
  if (presented.length === 0) return badSignature(`${prefix}-signature has no v1 signature`);
  const expected = keys.secrets.map((s) =>
    hmac('sha256', standardWebhooksKey(s), `${id}.${t}.`, req.rawBody),
  );
  if (!anyEqual(expected, presented)) return badSignature(`no v1 in ${prefix}-signature matches the body`);
  return outsideTolerance(t, nowSeconds, toleranceSeconds, `${prefix}-timestamp`) ?? ok(deliveryIdOf(id));
}
