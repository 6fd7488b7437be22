import type { WebhookAuth } from '@runlet/domain';
import { jsonField } from './verification';

/**
 * Senders' set-up handshakes, answered by Runlet after verification and without running the
 * script: Slack's `url_verification` (echo the challenge) and Discord's PING (`type: 1` → `{"type":1}`).
 */
export function handshakeReply(auth: WebhookAuth, rawBody: Buffer): Record<string, unknown> | null {
  if (auth === 'slack' && jsonField(rawBody, 'type') === 'url_verification') {
    const challenge = jsonField(rawBody, 'challenge');
    return typeof challenge === 'string' ? { challenge } : null;
  }
  if (auth === 'discord' && jsonField(rawBody, 'type') === 1) return { type: 1 };
  return null;
}
