import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/** Why a delivery was refused: the Prometheus label and the start of the 401's message. */
export type FailureReason = 'missing_header' | 'bad_signature' | 'outside_tolerance';

export type Verification =
  | {
      ok: true;
      /** the sender's delivery id, when it sends one: one execution per delivery */ deliveryId?: string;
    }
  | { ok: false; reason: FailureReason; message: string };

/** A webhook request as a verifier needs it: the exact bytes received, never a re-serialised body. */
export interface SignedRequest {
  headers: IncomingHttpHeaders;
  rawBody: Buffer;
  /** The URL the sender called as it sees it (RUNLET_PUBLIC_URL + path + query): Twilio signs it. */
  publicUrl: string;
  query: Record<string, string | string[] | undefined>;
}

/** What a trigger verifies with, decrypted once when the trigger is loaded. */
export interface VerifierKeys {
  /** shared secrets, as the sender shows them */
  secrets: string[];
  /** sha256 of tokens recorded before secrets had ids (only their hash was kept) */
  tokenHashes: Buffer[];
}

export const ok = (deliveryId?: string): Verification =>
  deliveryId ? { ok: true, deliveryId } : { ok: true };
export const missing = (header: string): Verification => ({
  ok: false,
  reason: 'missing_header',
  message: `missing header ${header}`,
});
export const badSignature = (detail: string): Verification => ({
  ok: false,
  reason: 'bad_signature',
  message: `bad signature: ${detail}`,
});

/** A header's single value (the first when repeated), or undefined when absent or empty. */
export function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined || first === '' ? undefined : first;
}

export function hmac(algorithm: string, key: string | Buffer, ...parts: (string | Buffer)[]): Buffer {
  const mac = createHmac(algorithm, key);
  for (const part of parts) mac.update(part);
  return mac.digest();
}

export const sha256 = (value: string | Buffer) => createHash('sha256').update(value).digest();

/**
 * True when any presented signature equals any expected one. Every pair is compared in constant
 * time and there is no early exit, so timing reveals neither the secret nor which one matched.
 */
export function anyEqual(expected: Buffer[], presented: Buffer[]): boolean {
  let match = false;
  for (const e of expected) {
    for (const p of presented) {
      if (e.length === p.length && timingSafeEqual(e, p)) match = true;
    }
  }
  return match;
}

/** The timestamp check of every scheme that signs one: in the past or the future, within tolerance. */
export function outsideTolerance(
  timestampSeconds: number,
  nowSeconds: number,
  toleranceSeconds: number,
  what: string,
): Verification | null {
  if (Math.abs(nowSeconds - timestampSeconds) <= toleranceSeconds) return null;
  return {
    ok: false,
    reason: 'outside_tolerance',
    message: `${what} is outside the ${toleranceSeconds} s tolerance (${Math.round(nowSeconds - timestampSeconds)} s off)`,
  };
}

/** Unix seconds from a header, or null when it is not a whole number. */
export function unixSeconds(value: string): number | null {
  return /^\d{1,12}$/.test(value.trim()) ? Number(value.trim()) : null;
}

/** A field of a JSON body (delivery ids, Linear's signed timestamp), or undefined when it is not JSON. */
export function jsonField(rawBody: Buffer, field: string): unknown {
  if (rawBody.length === 0 || rawBody[0] !== 0x7b /* { */) return undefined;
  try {
    const value = JSON.parse(rawBody.toString('utf8'));
    return value && typeof value === 'object' ? value[field] : undefined;
  } catch {
    return undefined;
  }
}

/** A string delivery id, bounded so it can name an execution. */
export function deliveryIdOf(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 && value.length <= 500 ? value : undefined;
}
