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
 * Slack: `X-Slack-Signature: v0=<hex HMAC-SHA256(signing secret, "v0:<ts>:<body>")>` with the
 * timestamp in `X-Slack-Request-Timestamp`. Slack's retries (`X-Slack-Retry-Num`) repeat the
 * Events API's `event_id`, which names the delivery.
 */
export function verifySlack(
  req: SignedRequest,
  keys: VerifierKeys,
  nowSeconds: number,
  toleranceSeconds: number,
): Verification {
  const signature = header(req.headers, 'x-slack-signature');
  const timestamp = header(req.headers, 'x-slack-request-timestamp');
  if (!signature) return missing('X-Slack-Signature');
  if (!timestamp) return missing('X-Slack-Request-Timestamp');
  const t = unixSeconds(timestamp);
  if (t === null) return badSignature('X-Slack-Request-Timestamp is not unix seconds');
  const match = /^v0=([0-9a-fA-F]{64})$/.exec(signature.trim());
  if (!match) return badSignature('X-Slack-Signature is not v0=<64 hex digits>');
  const expected = keys.secrets.map((s) => hmac('sha256', s, `v0:${t}:`, req.rawBody));
  if (!anyEqual(expected, [Buffer.from(match[1], 'hex')])) {
    return badSignature('X-Slack-Signature does not match the body');
  }
  return (
    outsideTolerance(t, nowSeconds, toleranceSeconds, 'X-Slack-Request-Timestamp') ??
    ok(deliveryIdOf(jsonField(req.rawBody, 'event_id')))
  );
}
