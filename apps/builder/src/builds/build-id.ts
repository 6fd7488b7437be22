import { createHash } from 'node:crypto';

/**
 * The build of a saved version: a UUID-shaped sha256 of the ScriptVersionSaved event id, so a
 * redelivered event names the same build (and the same BullMQ job).
 */
export function buildIdFor(savedEventId: string): string {
  const h = createHash('sha256').update(`runlet:build:${savedEventId}`).digest('hex');
  const variant = ((parseInt(h[16], 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
