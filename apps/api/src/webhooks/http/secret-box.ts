import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * HMAC triggers must recompute signatures, so their secret is kept encrypted (not hashed) with
 * AES-256-GCM under a platform key. Box format: `v1.<iv>.<tag>.<ciphertext>`, each part base64url.
 * `aad` (e.g. the trigger id) binds a box to its owner: a box copied to another trigger won't open.
 */
const VERSION = 'v1';
const IV_BYTES = 12;

export function encryptSecret(plain: string, key: Buffer, aad?: string): string {
  assertKey(key);
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  if (aad !== undefined) cipher.setAAD(Buffer.from(aad, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  const tag = cipher.getAuthTag();
  return [VERSION, ...[iv, tag, ciphertext].map((part) => part.toString('base64url'))].join('.');
}

/** Throws when the box is malformed, was made with another key or aad, or was tampered with. */
export function decryptSecret(box: string, key: Buffer, aad?: string): string {
  assertKey(key);
  const parts = typeof box === 'string' ? box.split('.') : [];
  if (parts.length !== 4 || parts[0] !== VERSION) throw new Error('malformed secret box');
  const [iv, tag, ciphertext] = parts.slice(1).map((p) => Buffer.from(p, 'base64url'));
  if (iv.length !== IV_BYTES || tag.length !== 16) throw new Error('malformed secret box');
  const decipher = createDecipheriv('aes-256-gcm', key, iv);
  if (aad !== undefined) decipher.setAAD(Buffer.from(aad, 'utf8'));
  decipher.setAuthTag(tag);
  try {
    return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8');
  } catch {
    throw new Error('secret box cannot be opened (wrong key or tampered)');
  }
}

function assertKey(key: Buffer): void {
  if (!Buffer.isBuffer(key) || key.length !== 32) throw new Error('secret box key must be 32 bytes');
}
