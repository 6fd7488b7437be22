import { randomBytes } from 'node:crypto';
import { LEGACY_PREVIOUS_SECRET_ID, LEGACY_SECRET_ID } from '@runlet/domain';

/** Trigger ids are URLs' only secret for `auth: none` webhooks: 160 random bits. */
export const newTriggerId = () => randomBytes(20).toString('base64url');

/**
 * What a secret box is bound to (its AES-GCM additional data): a box copied to another trigger or
 * secret id will not open. Boxes recorded before secrets had ids were bound to the trigger alone.
 */
export function secretAad(triggerId: string, secretId: string): string {
  return secretId === LEGACY_SECRET_ID || secretId === LEGACY_PREVIOUS_SECRET_ID
    ? triggerId
    : `${triggerId}:${secretId}`;
}
