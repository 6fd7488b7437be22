import {
  anyEqual,
  badSignature,
  deliveryIdOf,
  header,
  missing,
  ok,
  sha256,
  SignedRequest,
  Verification,
  VerifierKeys,
} from './verification';

/**
 * GitLab's secret token: `X-Gitlab-Token` equal to the secret (compared as sha256 digests, so
 * lengths are equal and the comparison constant-time). GitLab's signing tokens are `standard-webhooks`.
 */
export function verifyGitlab(req: SignedRequest, keys: VerifierKeys): Verification {
  const value = header(req.headers, 'x-gitlab-token');
  if (!value) return missing('X-Gitlab-Token');
  if (!anyEqual(keys.secrets.map(sha256), [sha256(value)]))
    return badSignature('X-Gitlab-Token is not the secret');
  return ok(deliveryIdOf(header(req.headers, 'x-gitlab-event-uuid')));
}
