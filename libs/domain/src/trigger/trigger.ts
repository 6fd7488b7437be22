import { Aggregate } from '../common/aggregate';
import { ConflictError, NotFoundError, ValidationError } from './errors';
import { assertValidSchedule } from './schedule';
import { id, isoDate, oneOf, storableJson, text } from '../common/validation';
import {
  CreateTrigger,
  LEGACY_PREVIOUS_SECRET_ID,
  LEGACY_SECRET_ID,
  MAX_TRIGGER_SECRETS,
  RotateTriggerSecret,
  TriggerCommand,
  TriggerEvent,
  TriggerSecretRef,
  TriggerState,
  TriggerUpdated,
  UpdateTrigger,
} from './trigger.types';
import { secretIdOf, usesSecret, validAuthSettings, WEBHOOK_AUTH, WebhookAuth } from './webhook-auth';

export * from './trigger.types';

export const triggerStreamId = (triggerId: string) => `trigger-${triggerId}`;

const OVERLAP = ['allow', 'skip', 'queue'] as const;
const CATCH_UP = ['none', 'latest'] as const;
const MODE = ['sync', 'async'] as const;

export function decideTrigger(command: TriggerCommand, state: TriggerState | undefined): TriggerEvent[] {
  if (command.type === 'CreateTrigger') {
    if (state) throw new ConflictError(`trigger ${state.id} already exists`);
    return [create(command)];
  }
  if (!state || state.deleted)
    throw new NotFoundError(`trigger ${state?.id ?? ''} not found`.replace('  ', ' '));
  const triggerId = state.id;
  switch (command.type) {
    case 'UpdateTrigger':
      return update(command, state);
    case 'PauseTrigger':
      if (state.paused) throw new ConflictError('trigger is already paused');
      return [{ type: 'TriggerPaused', data: { triggerId } }];
    case 'ResumeTrigger':
      if (!state.paused) throw new ConflictError('trigger is not paused');
      return [{ type: 'TriggerResumed', data: { triggerId } }];
    case 'DeleteTrigger':
      return [{ type: 'TriggerDeleted', data: { triggerId } }];
    case 'RotateTriggerSecret':
      return [rotate(command, state)];
    case 'AddTriggerSecret': {
      assertHasSecrets(state);
      const secretId = newSecretId(command.secretId, state);
      if (permanent(state.secrets).length >= MAX_TRIGGER_SECRETS) {
        throw new ConflictError(
          `a trigger holds at most ${MAX_TRIGGER_SECRETS} secrets; retire one before adding another`,
        );
      }
      return [{ type: 'TriggerSecretAdded', data: { triggerId, secretId } }];
    }
    case 'RetireTriggerSecret': {
      const secretId = secretIdOf(command.secretId);
      if (!state.secrets.some((s) => s.id === secretId)) {
        throw new NotFoundError(`trigger ${triggerId} has no secret ${secretId}`);
      }
      if (!permanent(state.secrets).some((s) => s.id !== secretId)) {
        // Without a secret every delivery would be refused; say so rather than lock the sender out.
        throw new ConflictError(
          `secret ${secretId} is the trigger's last secret; add another first (or change auth)`,
        );
      }
      return [{ type: 'TriggerSecretRetired', data: { triggerId, secretId } }];
    }
    default:
      throw new ValidationError(`unknown trigger command ${(command as { type: string }).type}`);
  }
}

export function evolveTrigger(
  state: TriggerState | undefined,
  event: TriggerEvent,
): TriggerState | undefined {
  switch (event.type) {
    case 'TriggerCreated': {
      const { triggerId, secretHash, secretBox, secretId, ...rest } = event.data;
      const legacy = secretHash || secretBox ? LEGACY_SECRET_ID : undefined;
      const first = secretId ?? legacy;
      return {
        ...rest,
        id: triggerId,
        secrets: first ? [{ id: first }] : [],
        paused: false,
        deleted: false,
      };
    }
    case 'TriggerUpdated': {
      if (!state) return state;
      const next: TriggerState = { ...state, ...event.data.changes } as TriggerState;
      // null in an update means "cleared" (or "the default", which is the same here).
      for (const field of ['notifyUrl', 'input', 'toleranceSeconds', 'hmac', 'publicKey'] as const) {
        if (event.data.changes[field] === null) delete next[field];
      }
      return next;
    }
    case 'TriggerPaused':
      return state && { ...state, paused: true };
    case 'TriggerResumed':
      return state && { ...state, paused: false };
    case 'TriggerDeleted':
      return state && { ...state, deleted: true };
    case 'TriggerSecretRotated': {
      if (!state) return state;
      const { secretId, graceUntil } = event.data;
      if (secretId) {
        const others = state.secrets.map((s) => ({ ...s, expiresAt: earlier(s.expiresAt, graceUntil) }));
        return { ...state, secrets: [...others, { id: secretId }] };
      }
      // Recorded before secrets had ids: the current secret became the previous one.
      const hadOne = state.secrets.some((s) => s.id === LEGACY_SECRET_ID);
      return {
        ...state,
        secrets: [
          ...state.secrets.filter((s) => s.id !== LEGACY_SECRET_ID && s.id !== LEGACY_PREVIOUS_SECRET_ID),
          ...(hadOne ? [{ id: LEGACY_PREVIOUS_SECRET_ID, expiresAt: graceUntil }] : []),
          { id: LEGACY_SECRET_ID },
        ],
      };
    }
    case 'TriggerSecretAdded':
      return state && { ...state, secrets: [...state.secrets, { id: event.data.secretId }] };
    case 'TriggerSecretRetired':
      return state && { ...state, secrets: state.secrets.filter((s) => s.id !== event.data.secretId) };
    default:
      return state;
  }
}

export const triggerAggregate: Aggregate<TriggerState, TriggerCommand, TriggerEvent> = {
  decide: decideTrigger,
  evolve: evolveTrigger,
};

function create(command: CreateTrigger): TriggerEvent {
  const triggerId = id('triggerId', command.triggerId);
  const scriptId = id('scriptId', command.scriptId);
  const triggerType = oneOf('type', command.triggerType, ['cron', 'http'] as const);
  // null for a setting with a default means the default (see docs/api-null-fields.md).
  const overlap = oneOf('overlap', command.overlap ?? 'allow', OVERLAP);
  const catchUp = oneOf('catchUp', command.catchUp ?? 'latest', CATCH_UP);
  const auth = oneOf('auth', command.auth ?? 'none', WEBHOOK_AUTH);
  const mode = oneOf('mode', command.mode ?? 'sync', MODE);
  const notifyUrl = command.notifyUrl == null ? undefined : validUrl(command.notifyUrl);
  const input = command.input === undefined ? undefined : storableJson('input', command.input);
  let schedule: string | undefined;
  let timezone: string | undefined;
  if (triggerType === 'cron') {
    if (command.schedule == null) throw new ValidationError('a cron trigger needs a schedule');
    schedule = text('schedule', command.schedule, { maxLength: 1000 }).trim();
    timezone = assertValidSchedule(schedule, text('timezone', command.timezone ?? 'UTC', { maxLength: 100 }));
    // Webhook-only settings on a cron trigger are a client mistake worth reporting.
    if (command.auth != null && command.auth !== 'none') {
      throw new ValidationError('auth applies to http triggers only');
    }
    if (command.mode != null) throw new ValidationError('mode applies to http triggers only');
  } else {
    if (command.schedule != null) throw new ValidationError('an http trigger must not have a schedule');
    if (command.timezone != null) throw new ValidationError('an http trigger must not have a timezone');
  }
  const settings = validAuthSettings(auth, command);
  const secretId = secretFor(auth, command.secretId);
  return {
    type: 'TriggerCreated',
    data: compact({
      triggerId,
      scriptId,
      triggerType,
      schedule,
      timezone,
      input,
      overlap,
      catchUp,
      auth,
      mode,
      ...settings,
      secretId,
      notifyUrl,
    }),
  };
}

/** Omitted fields stay; null resets a setting to its default, clears input / notifyUrl, and cannot remove a schedule. */
function update(command: UpdateTrigger, state: TriggerState): TriggerEvent[] {
  const changes: TriggerUpdated['data']['changes'] = {};
  const isCron = state.triggerType === 'cron';
  const cronOnly = (field: string) => {
    if (!isCron) throw new ValidationError(`${field} applies to cron triggers only`);
  };
  if (command.schedule !== undefined || command.timezone !== undefined) {
    cronOnly(command.schedule !== undefined ? 'schedule' : 'timezone');
    if (command.schedule === null)
      throw new ValidationError('a cron trigger needs a schedule; it cannot be null');
    const schedule =
      command.schedule === undefined
        ? state.schedule!
        : text('schedule', command.schedule, { maxLength: 1000 }).trim();
    const zone = command.timezone === undefined ? state.timezone! : (command.timezone ?? 'UTC');
    const timezone = assertValidSchedule(schedule, text('timezone', zone, { maxLength: 100 }));
    if (schedule !== state.schedule) changes.schedule = schedule;
    if (timezone !== state.timezone) changes.timezone = timezone;
  }
  if (command.overlap !== undefined) {
    cronOnly('overlap');
    const overlap = oneOf('overlap', command.overlap ?? 'allow', OVERLAP);
    if (overlap !== state.overlap) changes.overlap = overlap;
  }
  if (command.catchUp !== undefined) {
    cronOnly('catchUp');
    const catchUp = oneOf('catchUp', command.catchUp ?? 'latest', CATCH_UP);
    if (catchUp !== state.catchUp) changes.catchUp = catchUp;
  }
  if (command.mode !== undefined) {
    if (isCron) throw new ValidationError('mode applies to http triggers only');
    const mode = oneOf('mode', command.mode ?? 'sync', MODE);
    if (mode !== state.mode) changes.mode = mode;
  }
  if (command.notifyUrl !== undefined) {
    const notifyUrl = command.notifyUrl === null ? null : validUrl(command.notifyUrl);
    if (notifyUrl !== (state.notifyUrl ?? null)) changes.notifyUrl = notifyUrl;
  }
  if (command.input !== undefined) {
    storableJson('input', command.input);
    if (JSON.stringify(command.input) !== JSON.stringify(state.input ?? null)) changes.input = command.input;
  }
  const secretEvents = updateAuth(command, state, changes);
  const updated: TriggerEvent[] = Object.keys(changes).length
    ? [{ type: 'TriggerUpdated', data: { triggerId: state.id, changes } }]
    : [];
  return [...updated, ...secretEvents];
}

const AUTH_FIELDS = ['auth', 'toleranceSeconds', 'hmac', 'publicKey', 'secretId'] as const;

/**
 * A new scheme or new options: the resulting settings are checked as a whole. A new scheme starts
 * from its defaults (options not given are cleared); the same scheme keeps the options not given.
 * Secrets follow: `secretId` replaces them all, a scheme without secrets retires them.
 */
function updateAuth(
  command: UpdateTrigger,
  state: TriggerState,
  changes: TriggerUpdated['data']['changes'],
): TriggerEvent[] {
  if (!AUTH_FIELDS.some((f) => command[f] !== undefined)) return [];
  if (state.triggerType === 'cron') {
    const field = AUTH_FIELDS.find((f) => command[f] !== undefined)!;
    throw new ValidationError(`${field} applies to http triggers only`);
  }
  const auth: WebhookAuth =
    command.auth === undefined ? state.auth : oneOf('auth', command.auth ?? 'none', WEBHOOK_AUTH);
  const switched = auth !== state.auth;
  const pick = <K extends 'toleranceSeconds' | 'hmac' | 'publicKey'>(field: K) =>
    command[field] !== undefined ? command[field] : switched ? undefined : state[field];
  const settings = validAuthSettings(auth, {
    toleranceSeconds: pick('toleranceSeconds'),
    hmac: pick('hmac'),
    publicKey: pick('publicKey'),
  });
  if (switched) changes.auth = auth;
  for (const field of ['toleranceSeconds', 'hmac', 'publicKey'] as const) {
    const next = settings[field] ?? null;
    if (JSON.stringify(next) !== JSON.stringify(state[field] ?? null)) {
      (changes as Record<string, unknown>)[field] = next;
    }
  }
  const triggerId = state.id;
  const retire = (ids: string[]): TriggerEvent[] =>
    ids.map((secretId) => ({ type: 'TriggerSecretRetired', data: { triggerId, secretId } }));
  if (!usesSecret(auth)) {
    if (command.secretId !== undefined) secretFor(auth, command.secretId);
    return retire(state.secrets.map((s) => s.id));
  }
  if (command.secretId !== undefined) {
    const secretId = newSecretId(command.secretId, state);
    return [
      ...retire(state.secrets.map((s) => s.id)),
      { type: 'TriggerSecretAdded', data: { triggerId, secretId } },
    ];
  }
  if (state.secrets.length === 0) {
    throw new ValidationError(`auth '${auth}' needs a secret: give secret, or let Runlet generate one`);
  }
  return [];
}

function rotate(command: RotateTriggerSecret, state: TriggerState): TriggerEvent {
  assertHasSecrets(state);
  const secretId = newSecretId(command.secretId, state);
  const graceUntil = isoDate('graceUntil', command.graceUntil);
  return { type: 'TriggerSecretRotated', data: { triggerId: state.id, secretId, graceUntil } };
}

function assertHasSecrets(state: TriggerState): void {
  if (state.triggerType !== 'http' || !usesSecret(state.auth)) {
    throw new ValidationError(
      state.auth === 'discord'
        ? `auth 'discord' verifies with publicKey; it has no secrets`
        : `trigger has no secret (auth is ${state.auth})`,
    );
  }
}

function newSecretId(value: unknown, state: TriggerState): string {
  const secretId = secretIdOf(value);
  if (state.secrets.some((s) => s.id === secretId)) {
    throw new ConflictError(`trigger ${state.id} already has a secret ${secretId}`);
  }
  return secretId;
}

/** A scheme with secrets needs its first one at creation; others take none. */
function secretFor(auth: WebhookAuth, secretId: string | undefined): string | undefined {
  if (!usesSecret(auth)) {
    if (secretId !== undefined) {
      throw new ValidationError(
        auth === 'discord'
          ? `auth 'discord' takes publicKey, not a secret`
          : 'a trigger with auth none has no secret',
      );
    }
    return undefined;
  }
  if (secretId === undefined) throw new ValidationError(`auth '${auth}' needs a secret (secretId)`);
  return secretIdOf(secretId);
}

const permanent = (secrets: TriggerSecretRef[]) => secrets.filter((s) => !s.expiresAt);
const earlier = (a: string | undefined, b: string) => (a && Date.parse(a) < Date.parse(b) ? a : b);

function validUrl(value: unknown): string {
  text('notifyUrl', value, { maxLength: 2000 });
  let url: URL;
  try {
    url = new URL(value as string);
  } catch {
    throw new ValidationError(`notifyUrl must be an absolute http(s) URL, got ${JSON.stringify(value)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ValidationError(`notifyUrl must be an absolute http(s) URL, got ${JSON.stringify(value)}`);
  }
  return url.toString();
}

/** Drops undefined fields so events stay free of `"x": undefined` noise. */
function compact<T extends object>(obj: T): T {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined)) as T;
}
