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

/** GitHub: `X-Hub-Signature-256: sha256=<hex HMAC-SHA256(secret, body)>`; no timestamp. */
export function verifyGithub(req: SignedRequest, keys: VerifierKeys): Verification {
  const value = header(req.headers, 'x-hub-signature-256');
  if (!value) return missing('X-Hub-Signature-256');
  const match = /^sha256=([0-9a-fA-F]{64})$/.exec(value.trim());
  if (!match) return badSignature('X-Hub-Signature-256 is not sha256=<64 hex digits>');
  const presented = [Buffer.from(match[1], 'hex')];
  const expected = keys.secrets.map((s) => hmac('sha256', s, req.rawBody));
  if (!anyEqual(expected, presented)) return badSignature('X-Hub-Signature-256 does not match the body');
  return ok(deliveryIdOf(header(req.headers, 'x-github-delivery')));
}
