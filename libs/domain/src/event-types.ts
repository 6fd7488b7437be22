import { ApiKeyEvent } from './api-key/api-key.aggregate';
import { BuildEvent } from './build/build.types';
import { ExecutionEvent } from './execution/execution.types';
import { ScriptEvent } from './script/script.types';
import { SecretEvent } from './secret/secret.aggregate';
import { TriggerEvent } from './trigger/trigger.types';

/**
 * Every type of an event union, each named by itself. Typed as a mapped type over the union, so
 * a type added to the union must be added here (and a misspelt one fails to compile).
 */
type TypeNames<T extends string> = { readonly [K in T]: K };

const SCRIPT: TypeNames<ScriptEvent['type']> = {
  ScriptCreated: 'ScriptCreated',
  ScriptVersionSaved: 'ScriptVersionSaved',
  ScriptRenamed: 'ScriptRenamed',
  ScriptArchived: 'ScriptArchived',
  ScriptVersionDeployed: 'ScriptVersionDeployed',
};

const BUILD: TypeNames<BuildEvent['type']> = {
  BuildRequested: 'BuildRequested',
  BuildStarted: 'BuildStarted',
  BuildSucceeded: 'BuildSucceeded',
  BuildFailed: 'BuildFailed',
};

const TRIGGER: TypeNames<TriggerEvent['type']> = {
  TriggerCreated: 'TriggerCreated',
  TriggerUpdated: 'TriggerUpdated',
  TriggerPaused: 'TriggerPaused',
  TriggerResumed: 'TriggerResumed',
  TriggerDeleted: 'TriggerDeleted',
  TriggerSecretRotated: 'TriggerSecretRotated',
  TriggerSecretAdded: 'TriggerSecretAdded',
  TriggerSecretRetired: 'TriggerSecretRetired',
};

/** TriggerFired is on the execution stream (appended with the ExecutionQueued it causes). */
const EXECUTION: TypeNames<ExecutionEvent['type']> = {
  TriggerFired: 'TriggerFired',
  ExecutionQueued: 'ExecutionQueued',
  ExecutionStarted: 'ExecutionStarted',
  ExecutionSucceeded: 'ExecutionSucceeded',
  ExecutionFailed: 'ExecutionFailed',
  ExecutionTimedOut: 'ExecutionTimedOut',
  ExecutionCancelled: 'ExecutionCancelled',
  ExecutionSkipped: 'ExecutionSkipped',
};

const API_KEY: TypeNames<ApiKeyEvent['type']> = {
  ApiKeyCreated: 'ApiKeyCreated',
  ApiKeyRevoked: 'ApiKeyRevoked',
};

const SECRET: TypeNames<SecretEvent['type']> = {
  SecretSet: 'SecretSet',
  SecretDeleted: 'SecretDeleted',
};

/** The name of every domain event type, for code outside the domain that compares or selects them. */
export const EventType = { ...SCRIPT, ...BUILD, ...TRIGGER, ...EXECUTION, ...API_KEY, ...SECRET } as const;
export type EventTypeName = (typeof EventType)[keyof typeof EventType];

export const SCRIPT_EVENT_TYPES: readonly ScriptEvent['type'][] = Object.values(SCRIPT);
export const BUILD_EVENT_TYPES: readonly BuildEvent['type'][] = Object.values(BUILD);
export const TRIGGER_EVENT_TYPES: readonly TriggerEvent['type'][] = Object.values(TRIGGER);
/** Every event of an execution stream, TriggerFired included. */
export const EXECUTION_EVENT_TYPES: readonly ExecutionEvent['type'][] = Object.values(EXECUTION);
export const API_KEY_EVENT_TYPES: readonly ApiKeyEvent['type'][] = Object.values(API_KEY);
export const SECRET_EVENT_TYPES: readonly SecretEvent['type'][] = Object.values(SECRET);
