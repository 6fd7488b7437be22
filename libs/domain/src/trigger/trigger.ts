import { Aggregate } from '../common/aggregate';
import { ConflictError, NotFoundError, ValidationError } from './errors';
import { assertValidSchedule } from './schedule';
import { id, isoDate, oneOf, storableJson, text } from '../common/validation';
import {
  CreateTrigger,
  RotateTriggerSecret,
  TriggerCommand,
  TriggerEvent,
  TriggerSecret,
  TriggerState,
  TriggerUpdated,
  UpdateTrigger,
} from './trigger.types';

export * from './trigger.types';

export const triggerStreamId = (triggerId: string) => `trigger-${triggerId}`;

const OVERLAP = ['allow', 'skip', 'queue'] as const;
const CATCH_UP = ['none', 'latest'] as const;
const AUTH = ['none', 'token', 'hmac'] as const;
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
      const { triggerId, secretHash, secretBox, ...rest } = event.data;
      return {
        ...rest,
        id: triggerId,
        secret: secretHash || secretBox ? compact({ secretHash, secretBox }) : undefined,
        paused: false,
        deleted: false,
      };
    }
    case 'TriggerUpdated': {
      if (!state) return state;
      const next: TriggerState = { ...state, ...event.data.changes } as TriggerState;
      // null in an update means "cleared".
      if (event.data.changes.notifyUrl === null) delete next.notifyUrl;
      if (event.data.changes.input === null) delete next.input;
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
      const { secretHash, secretBox, previousSecretHash, previousSecretBox, graceUntil } = event.data;
      return {
        ...state,
        secret: compact({ secretHash, secretBox }),
        previousSecret: compact({ secretHash: previousSecretHash, secretBox: previousSecretBox, graceUntil }),
      };
    }
    default:
      return state;
  }
}

export const triggerAggregate: Aggregate<TriggerState, TriggerCommand, TriggerEvent> = {
  decide: decideTrigger,
  evolve: evolveTrigger,
};

/** Secrets a webhook request may present now: the current one and, during its grace period, the previous. */
export function acceptedSecrets(state: TriggerState, now: Date): TriggerSecret[] {
  const secrets = state.secret ? [state.secret] : [];
  const previous = state.previousSecret;
  if (previous && now.getTime() < Date.parse(previous.graceUntil)) {
    secrets.push(compact({ secretHash: previous.secretHash, secretBox: previous.secretBox }));
  }
  return secrets;
}

function create(command: CreateTrigger): TriggerEvent {
  const triggerId = id('triggerId', command.triggerId);
  const scriptId = id('scriptId', command.scriptId);
  const triggerType = oneOf('type', command.triggerType, ['cron', 'http'] as const);
  // null for a setting with a default means the default (see docs/api-null-fields.md).
  const overlap = oneOf('overlap', command.overlap ?? 'allow', OVERLAP);
  const catchUp = oneOf('catchUp', command.catchUp ?? 'latest', CATCH_UP);
  const auth = oneOf('auth', command.auth ?? 'none', AUTH);
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
  const secret = validSecret(auth, command);
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
      ...secret,
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
  return Object.keys(changes).length
    ? [{ type: 'TriggerUpdated', data: { triggerId: state.id, changes } }]
    : [];
}

function rotate(command: RotateTriggerSecret, state: TriggerState): TriggerEvent {
  if (state.auth === 'none') throw new ValidationError('trigger has no secret to rotate (auth is none)');
  const secret = validSecret(state.auth, command);
  const graceUntil = isoDate('graceUntil', command.graceUntil);
  return {
    type: 'TriggerSecretRotated',
    data: compact({
      triggerId: state.id,
      ...secret,
      previousSecretHash: state.secret?.secretHash,
      previousSecretBox: state.secret?.secretBox,
      graceUntil,
    }),
  };
}

/** Checks the secret fields against the auth mode; plain-text secrets are never accepted. */
function validSecret(auth: string, given: { secretHash?: string; secretBox?: string }): TriggerSecret {
  const { secretHash, secretBox } = given;
  if (auth === 'none') {
    if (secretHash !== undefined || secretBox !== undefined) {
      throw new ValidationError('a trigger with auth none has no secret');
    }
    return {};
  }
  if (secretHash !== undefined && !/^[0-9a-f]{64}$/.test(secretHash)) {
    throw new ValidationError('secretHash must be a sha256 hex digest, never the secret itself');
  }
  if (auth === 'token') {
    if (!secretHash) throw new ValidationError('a token-authenticated trigger needs secretHash');
    if (secretBox !== undefined)
      throw new ValidationError('a token-authenticated trigger stores only secretHash');
    return { secretHash };
  }
  if (typeof secretBox !== 'string' || !secretBox) {
    throw new ValidationError('an hmac-authenticated trigger needs secretBox (the encrypted secret)');
  }
  text('secretBox', secretBox, { maxLength: 10_000 });
  return compact({ secretHash, secretBox });
}

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
