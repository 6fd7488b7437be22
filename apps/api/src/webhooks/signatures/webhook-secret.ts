import { randomBytes } from 'node:crypto';
import type { WebhookAuth } from '@runlet/domain';

/**
 * A secret Runlet makes when the user supplies none, in the format the sender expects to be given:
 * `whsec_` + base64 for Standard Webhooks (which decodes it), 32 random bytes base64url otherwise.
 */
export function generateWebhookSecret(auth: WebhookAuth): string {
  if (auth === 'standard-webhooks') return `whsec_${randomBytes(32).toString('base64')}`;
  if (auth === 'stripe') return `whsec_${randomBytes(32).toString('base64url')}`;
  return randomBytes(32).toString('base64url');
}

/** A new secret's id: 96 random bits, base64url. */
export const newSecretId = () => randomBytes(12).toString('base64url');
