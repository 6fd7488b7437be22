import { DomainEvent } from '../common/aggregate';
import { CatchUpPolicy } from './tick';

export type TriggerType = 'cron' | 'http';
/** What to do when a tick comes while the previous run of the trigger is still going. */
export type OverlapPolicy = 'allow' | 'skip' | 'queue';
export type WebhookAuth = 'none' | 'token' | 'hmac';
export type WebhookMode = 'sync' | 'async';
export type { CatchUpPolicy };

/**
 * Secrets never appear in commands, events or state in plain text:
 * - `token` auth keeps `secretHash` (sha256 hex of the token), enough to check a presented token;
 * - `hmac` auth must recompute signatures, so it keeps `secretBox` (the secret encrypted with the
 *   platform key, an opaque string made by the API's secret box) and, optionally, its hash.
 */
export interface TriggerSecret {
  secretHash?: string;
  secretBox?: string;
}

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
  secret?: TriggerSecret;
  /** The secret replaced by the last rotation, still accepted until `graceUntil`. */
  previousSecret?: TriggerSecret & { graceUntil: string };
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
  secretHash?: string;
  secretBox?: string;
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

/** The old secret stays valid until `graceUntil` (ISO; a past time revokes it at once). */
export interface RotateTriggerSecret {
  type: 'RotateTriggerSecret';
  secretHash?: string;
  secretBox?: string;
  graceUntil: string;
}

export type TriggerCommand =
  CreateTrigger | UpdateTrigger | PauseTrigger | ResumeTrigger | DeleteTrigger | RotateTriggerSecret;

export type TriggerSettings = Pick<
  TriggerState,
  'schedule' | 'timezone' | 'input' | 'overlap' | 'catchUp' | 'mode' | 'notifyUrl'
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
    secretHash?: string;
    secretBox?: string;
    notifyUrl?: string;
  }
>;
/** `changes` holds only the fields that changed; `notifyUrl: null` / `input: null` mean cleared. */
export type TriggerUpdated = DomainEvent<
  'TriggerUpdated',
  { triggerId: string; changes: Partial<Omit<TriggerSettings, 'notifyUrl'>> & { notifyUrl?: string | null } }
>;
export type TriggerPaused = DomainEvent<'TriggerPaused', { triggerId: string }>;
export type TriggerResumed = DomainEvent<'TriggerResumed', { triggerId: string }>;
export type TriggerDeleted = DomainEvent<'TriggerDeleted', { triggerId: string }>;
export type TriggerSecretRotated = DomainEvent<
  'TriggerSecretRotated',
  {
    triggerId: string;
    secretHash?: string;
    secretBox?: string;
    previousSecretHash?: string;
    previousSecretBox?: string;
    graceUntil: string;
  }
>;
export type TriggerEvent =
  TriggerCreated | TriggerUpdated | TriggerPaused | TriggerResumed | TriggerDeleted | TriggerSecretRotated;
