import { ValidationError } from '../common/errors';
import { integer, isPlainObject, oneOf, text } from '../common/validation';

/**
 * How a webhook trigger authenticates its caller: Runlet's own schemes (`token`, `hmac` with its
 * `X-Runlet-Signature`), a sender's preset, or nothing. Verification itself lives in the API; the
 * domain knows which options each scheme takes, so a command can only record a setting that works.
 */
export const WEBHOOK_AUTH = [
  'none',
  'token',
  'hmac',
  'github',
  'stripe',
  'standard-webhooks',
  'slack',
  'shopify',
  'twilio',
  'linear',
  'discord',
  'gitlab',
] as const;
export type WebhookAuth = (typeof WEBHOOK_AUTH)[number];

export const HMAC_ALGORITHMS = ['sha1', 'sha256', 'sha512'] as const;
export const HMAC_ENCODINGS = ['hex', 'base64'] as const;

/** The generic `hmac` scheme's settings; without them, `hmac` is Runlet's own `X-Runlet-Signature`. */
export interface GenericHmacOptions {
  /** lower-cased header name carrying the signature */
  header: string;
  algorithm: (typeof HMAC_ALGORITHMS)[number];
  encoding: (typeof HMAC_ENCODINGS)[number];
  /** text before the signature in the header, e.g. `sha256=` */
  prefix: string;
  /** what is signed: `{body}` and optionally `{timestamp}` / `{id}` */
  template: string;
  /** lower-cased header with the unix-seconds timestamp signed as `{timestamp}` */
  timestampHeader?: string;
  /** lower-cased header with the delivery id signed as `{id}`, also used to deduplicate deliveries */
  idHeader?: string;
}

/** Per-scheme default tolerance for signed timestamps (s); absent: the scheme signs no timestamp. */
const DEFAULT_TOLERANCE: Partial<Record<WebhookAuth, number>> = {
  hmac: 300,
  stripe: 300,
  'standard-webhooks': 300,
  slack: 300,
  linear: 60,
  discord: 300,
};
export const MAX_TOLERANCE_SECONDS = 7 * 24 * 3600;

/** Schemes verified with a secret shared with the sender (all but `none` and Discord's public key). */
export function usesSecret(auth: WebhookAuth): boolean {
  return auth !== 'none' && auth !== 'discord';
}

/** Whether the trigger's scheme checks a signed timestamp, given its generic-hmac options. */
export function signsTimestamp(auth: WebhookAuth, hmac?: GenericHmacOptions): boolean {
  if (auth === 'hmac' && hmac) return hmac.timestampHeader !== undefined;
  return DEFAULT_TOLERANCE[auth] !== undefined;
}

/** The tolerance a trigger applies: its own, else its scheme's default; null where no timestamp is signed. */
export function toleranceOf(auth: WebhookAuth, hmac?: GenericHmacOptions, own?: number): number | null {
  if (!signsTimestamp(auth, hmac)) return null;
  return own ?? DEFAULT_TOLERANCE[auth] ?? 300;
}

/** The auth-related fields of a command, as given (validated here). */
export interface WebhookAuthInput {
  toleranceSeconds?: number | null;
  hmac?: unknown;
  publicKey?: string | null;
}

export interface WebhookAuthSettings {
  toleranceSeconds?: number;
  hmac?: GenericHmacOptions;
  publicKey?: string;
}

/** Checks the options against the scheme; returns them normalised (header names lower-cased). */
export function validAuthSettings(auth: WebhookAuth, given: WebhookAuthInput): WebhookAuthSettings {
  const settings: WebhookAuthSettings = {};
  if (given.hmac != null) {
    if (auth !== 'hmac') throw new ValidationError(`hmac options apply to auth 'hmac' only, not '${auth}'`);
    settings.hmac = validHmacOptions(given.hmac);
  }
  if (given.publicKey != null) {
    if (auth !== 'discord') throw new ValidationError(`publicKey applies to auth 'discord' only`);
    const key = text('publicKey', given.publicKey, { maxLength: 64 });
    if (!/^[0-9a-fA-F]{64}$/.test(key)) {
      throw new ValidationError(`publicKey must be the 32-byte Ed25519 key in hex (64 characters)`);
    }
    settings.publicKey = key.toLowerCase();
  } else if (auth === 'discord') {
    throw new ValidationError(`auth 'discord' needs publicKey (the application's public key, hex)`);
  }
  if (given.toleranceSeconds != null) {
    if (!signsTimestamp(auth, settings.hmac)) {
      throw new ValidationError(
        auth === 'hmac'
          ? 'toleranceSeconds needs hmac.timestampHeader: this signature carries no timestamp'
          : `toleranceSeconds does not apply to auth '${auth}': it signs no timestamp`,
      );
    }
    settings.toleranceSeconds = integer('toleranceSeconds', given.toleranceSeconds, 1, MAX_TOLERANCE_SECONDS);
  }
  return settings;
}

const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,100}$/;
const PLACEHOLDER = /\{([^{}]*)\}/g;

function headerName(field: string, value: unknown): string {
  const name = text(field, value, { maxLength: 100 });
  if (!HEADER_NAME.test(name))
    throw new ValidationError(`${field} must be an HTTP header name, got "${name}"`);
  return name.toLowerCase();
}

function validHmacOptions(value: unknown): GenericHmacOptions {
  if (!isPlainObject(value)) throw new ValidationError('hmac must be an object');
  const known = ['header', 'algorithm', 'encoding', 'prefix', 'template', 'timestampHeader', 'idHeader'];
  const unknown = Object.keys(value).filter((k) => !known.includes(k));
  if (unknown.length) {
    throw new ValidationError(`hmac has unknown field ${unknown[0]} (known: ${known.join(', ')})`);
  }
  const v = value as Record<string, unknown>;
  if (v.header == null)
    throw new ValidationError('hmac.header is required (the header carrying the signature)');
  const options: GenericHmacOptions = {
    header: headerName('hmac.header', v.header),
    algorithm: oneOf('hmac.algorithm', v.algorithm ?? 'sha256', HMAC_ALGORITHMS),
    encoding: oneOf('hmac.encoding', v.encoding ?? 'hex', HMAC_ENCODINGS),
    prefix: text('hmac.prefix', v.prefix ?? '', { maxLength: 100 }),
    template: text('hmac.template', v.template ?? '{body}', { maxLength: 1000 }),
  };
  if (v.timestampHeader != null)
    options.timestampHeader = headerName('hmac.timestampHeader', v.timestampHeader);
  if (v.idHeader != null) options.idHeader = headerName('hmac.idHeader', v.idHeader);
  const placeholders = [...options.template.matchAll(PLACEHOLDER)].map((m) => m[1]);
  const bad = placeholders.find((p) => !['body', 'timestamp', 'id'].includes(p));
  if (bad !== undefined) {
    throw new ValidationError(`hmac.template may use {body}, {timestamp} and {id}, not {${bad}}`);
  }
  if (placeholders.filter((p) => p === 'body').length !== 1) {
    throw new ValidationError('hmac.template must contain {body} exactly once');
  }
  const signsTs = placeholders.includes('timestamp');
  if (signsTs && !options.timestampHeader) {
    throw new ValidationError('hmac.template signs {timestamp}: hmac.timestampHeader must name its header');
  }
  if (!signsTs && options.timestampHeader) {
    // An unsigned timestamp could be replaced by an attacker: checking it would protect nothing.
    throw new ValidationError('hmac.timestampHeader is set but hmac.template does not sign {timestamp}');
  }
  if (placeholders.includes('id') && !options.idHeader) {
    throw new ValidationError('hmac.template signs {id}: hmac.idHeader must name its header');
  }
  return options;
}

/**
 * Checks a webhook secret a user supplies (or Runlet generated) before it is encrypted and stored;
 * the domain never sees it afterwards, only its id. Formats are the senders' own.
 */
export function assertValidWebhookSecret(auth: WebhookAuth, secret: unknown): void {
  if (!usesSecret(auth)) {
    throw new ValidationError(
      auth === 'discord'
        ? `auth 'discord' verifies with publicKey; it takes no secret`
        : `a trigger with auth none has no secret`,
    );
  }
  const value = text('secret', secret, { maxLength: 1000 });
  if (value.length < 8) throw new ValidationError('secret must be at least 8 characters');
  if (value !== value.trim()) throw new ValidationError('secret must not start or end with whitespace');
  if (auth === 'standard-webhooks') {
    const match = /^whsec_([A-Za-z0-9+/]+={0,2})$/.exec(value);
    const bytes = match ? base64Length(match[1]) : 0;
    if (!match || bytes < 16 || bytes > 64) {
      throw new ValidationError(
        `a standard-webhooks secret is "whsec_" followed by 16 to 64 bytes in base64, as the sender shows it`,
      );
    }
  }
}

function base64Length(b64: string): number {
  if (b64.length % 4 !== 0) return 0;
  return (b64.length / 4) * 3 - (b64.endsWith('==') ? 2 : b64.endsWith('=') ? 1 : 0);
}

/** Ids of webhook secrets: Runlet makes them; `legacy` names the ones recorded before they had ids. */
const SECRET_ID = /^[A-Za-z0-9_-]{1,64}$/;

export function secretIdOf(value: unknown): string {
  const secretId = text('secretId', value, { maxLength: 64 });
  if (!SECRET_ID.test(secretId)) throw new ValidationError(`secretId must be 1-64 of [A-Za-z0-9_-]`);
  return secretId;
}
