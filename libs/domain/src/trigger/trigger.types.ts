import { DomainEvent } from '../common/aggregate';
import { CatchUpPolicy } from './tick';
import { GenericHmacOptions, WebhookAuth } from './webhook-auth';

export type TriggerType = 'cron' | 'http';
/** What to do when a tick comes while the previous run of the trigger is still going. */
export type OverlapPolicy = 'allow' | 'skip' | 'queue';
export type { WebhookAuth, GenericHmacOptions };
export type WebhookMode = 'sync' | 'async';
export type { CatchUpPolicy };

/**
 * Secrets never appear in commands, events or state, not even encrypted: the API keeps them
 * encrypted in its secret vault, and the trigger names them by id. (Events recorded before secrets
 * had ids carried `secretHash` / `secretBox`; those secrets are named `legacy` / `legacy-previous`.)
 */
export interface TriggerSecretRef {
  id: string;
  /** Set by a rotation: the secret is accepted until then. */
  expiresAt?: string;
}

/** The ids Runlet gives the secrets of events recorded before secrets had ids. */
export const LEGACY_SECRET_ID = 'legacy';
export const LEGACY_PREVIOUS_SECRET_ID = 'legacy-previous';
/** Secrets a trigger may hold at once (not counting ones a rotation lets expire). */
export const MAX_TRIGGER_SECRETS = 10;

export interface TriggerState {
  id: string;
  scriptId: string;
  triggerType: TriggerType;
  /** cron only */
  schedule?: string;
  /** cron only; canonical IANA name */
  timezone?: string;
  input?: unknown;
  overlap: OverlapPolicy;
  catchUp: CatchUpPolicy;
  auth: WebhookAuth;
  mode: WebhookMode;
  /** The trigger's own tolerance for signed timestamps; absent: its scheme's default. */
  toleranceSeconds?: number;
  /** auth 'hmac' with a configured signature (absent: Runlet's X-Runlet-Signature) */
  hmac?: GenericHmacOptions;
  /** auth 'discord': the application's Ed25519 public key, hex */
  publicKey?: string;
  /** The secrets it accepts, by id (values live encrypted in the API's vault). */
  secrets: TriggerSecretRef[];
  notifyUrl?: string;
  paused: boolean;
  deleted: boolean;
}

// The trigger's kind is `triggerType` because `type` names the command / event, as everywhere in the domain.
// null for an optional setting means its default (notifyUrl: none).
export interface CreateTrigger {
  type: 'CreateTrigger';
  triggerId: string;
  scriptId: string;
  triggerType: TriggerType;
  schedule?: string | null;
  timezone?: string | null;
  input?: unknown;
  overlap?: OverlapPolicy | null;
  catchUp?: CatchUpPolicy | null;
  auth?: WebhookAuth | null;
  mode?: WebhookMode | null;
  toleranceSeconds?: number | null;
  hmac?: unknown;
  publicKey?: string | null;
  /** The id under which the API stored the trigger's secret (for schemes that use one). */
  secretId?: string;
  notifyUrl?: string | null;
}

/** Omitted fields stay as they are; `input: null` / `notifyUrl: null` clear them, null settings take their default. */
export interface UpdateTrigger {
  type: 'UpdateTrigger';
  schedule?: string | null;
  timezone?: string | null;
  input?: unknown;
  overlap?: OverlapPolicy | null;
  catchUp?: CatchUpPolicy | null;
  mode?: WebhookMode | null;
  notifyUrl?: string | null;
  /** A new scheme: options not given take their defaults, secrets are kept unless `secretId` replaces them. */
  auth?: WebhookAuth | null;
  toleranceSeconds?: number | null;
  hmac?: unknown;
  publicKey?: string | null;
  /** A stored secret that replaces all the trigger's secrets. */
  secretId?: string;
}

export interface PauseTrigger {
  type: 'PauseTrigger';
}
export interface ResumeTrigger {
  type: 'ResumeTrigger';
}
export interface DeleteTrigger {
  type: 'DeleteTrigger';
}

/** `secretId` becomes the secret; the others stay valid until `graceUntil` (ISO; a past time revokes them at once). */
export interface RotateTriggerSecret {
  type: 'RotateTriggerSecret';
  secretId: string;
  graceUntil: string;
}

/** One more accepted secret (for a rotation the sender does at its own pace). */
export interface AddTriggerSecret {
  type: 'AddTriggerSecret';
  secretId: string;
}

export interface RetireTriggerSecret {
  type: 'RetireTriggerSecret';
  secretId: string;
}

export type TriggerCommand =
  | CreateTrigger
  | UpdateTrigger
  | PauseTrigger
  | ResumeTrigger
  | DeleteTrigger
  | RotateTriggerSecret
  | AddTriggerSecret
  | RetireTriggerSecret;

export type TriggerSettings = Pick<
  TriggerState,
  'schedule' | 'timezone' | 'input' | 'overlap' | 'catchUp' | 'mode' | 'notifyUrl' | 'auth'
>;

export type TriggerCreated = DomainEvent<
  'TriggerCreated',
  {
    triggerId: string;
    scriptId: string;
    triggerType: TriggerType;
    schedule?: string;
    timezone?: string;
    input?: unknown;
    overlap: OverlapPolicy;
    catchUp: CatchUpPolicy;
    auth: WebhookAuth;
    mode: WebhookMode;
    toleranceSeconds?: number;
    hmac?: GenericHmacOptions;
    publicKey?: string;
    /** The secret's id (since secrets have ids). */
    secretId?: string;
    /** Only in events recorded before secrets had ids: the token's sha256 / the encrypted HMAC secret. */
    secretHash?: string;
    secretBox?: string;
    notifyUrl?: string;
  }
>;
/**
 * `changes` holds only the fields that changed; `notifyUrl: null` / `input: null` mean cleared, and
 * so do `toleranceSeconds: null` (the scheme's default), `hmac: null` and `publicKey: null`.
 */
export type TriggerUpdated = DomainEvent<
  'TriggerUpdated',
  {
    triggerId: string;
    changes: Partial<Omit<TriggerSettings, 'notifyUrl'>> & {
      notifyUrl?: string | null;
      toleranceSeconds?: number | null;
      hmac?: GenericHmacOptions | null;
      publicKey?: string | null;
    };
  }
>;
export type TriggerPaused = DomainEvent<'TriggerPaused', { triggerId: string }>;
export type TriggerResumed = DomainEvent<'TriggerResumed', { triggerId: string }>;
export type TriggerDeleted = DomainEvent<'TriggerDeleted', { triggerId: string }>;
/**
 * `secretId` became a secret of the trigger and every other one expires at `graceUntil`. Events
 * recorded before secrets had ids carry the new `secretHash` / `secretBox` and the previous ones instead.
 */
export type TriggerSecretRotated = DomainEvent<
  'TriggerSecretRotated',
  {
    triggerId: string;
    secretId?: string;
    secretHash?: string;
    secretBox?: string;
    previousSecretHash?: string;
    previousSecretBox?: string;
    graceUntil: string;
  }
>;
export type TriggerSecretAdded = DomainEvent<'TriggerSecretAdded', { triggerId: string; secretId: string }>;
export type TriggerSecretRetired = DomainEvent<
  'TriggerSecretRetired',
  { triggerId: string; secretId: string }
>;
export type TriggerEvent =
  | TriggerCreated
  | TriggerUpdated
  | TriggerPaused
  | TriggerResumed
  | TriggerDeleted
  | TriggerSecretRotated
  | TriggerSecretAdded
  | TriggerSecretRetired;
