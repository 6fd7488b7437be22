import { randomBytes } from 'node:crypto';
import { encryptSecret, hashSecret } from '../webhooks/http';

/** Trigger ids are URLs' only secret for `auth: none` webhooks: 160 random bits. */
export const newTriggerId = () => randomBytes(20).toString('base64url');

/** How a webhook secret is stored: its hash, and for HMAC (which must read it back) an encrypted copy. */
export function secretFields(
  key: Buffer,
  triggerId: string,
  auth: string | undefined,
  secret: string | undefined,
) {
  if (!secret) return {};
  if (auth === 'token') return { secretHash: hashSecret(secret) };
  return { secretHash: hashSecret(secret), secretBox: encryptSecret(secret, key, triggerId) };
}
