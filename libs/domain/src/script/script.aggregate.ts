import type { Aggregate } from '../common/aggregate';
import { ConflictError, NotFoundError, ValidationError } from '../common/errors';
import { boolean, id, integer, isPlainObject, oneOf, optionalText, text } from '../common/validation';
import {
  DEFAULT_SPEC,
  MAX_ATTEMPTS,
  MAX_CODE_BYTES,
  MAX_NAME_LENGTH,
  MEMORY_MB,
  TIMEOUT_MS,
} from './script-limits';
import { secretReferences } from '../secret/secret-reference';
import { ScriptCommand, ScriptEvent, ScriptSpec, ScriptState } from './script.types';

export const scriptStreamId = (scriptId: string) => `script-${scriptId}`;

export function decideScript(command: ScriptCommand, state: ScriptState | undefined): ScriptEvent[] {
  if (command.type === 'CreateScript') {
    if (state) throw new ConflictError(`script ${command.scriptId} already exists`);
    const scriptId = id('scriptId', command.scriptId);
    const name = validName(command.name);
    const spec = validSpec(withChanges(DEFAULT_SPEC, command.spec));
    return [
      { type: 'ScriptCreated', data: { scriptId, name } },
      { type: 'ScriptVersionSaved', data: { scriptId, version: 1, ...spec } },
    ];
  }
  if (!state) throw new NotFoundError('script not found');
  if (state.archived) throw new NotFoundError(`script ${state.id} is archived`);
  const scriptId = state.id;
  switch (command.type) {
    case 'SaveScriptVersion': {
      if (command.expectedVersion !== undefined) integer('expectedVersion', command.expectedVersion, 1);
      const reason = optionalText('reason', command.reason, 1000);
      if (command.upgrade !== undefined) boolean('upgrade', command.upgrade);
      if (command.expectedVersion !== undefined && command.expectedVersion !== state.latestVersion) {
        throw new ConflictError(
          `script ${scriptId} is at version ${state.latestVersion}, not ${command.expectedVersion}; reload and retry`,
        );
      }
      const events: ScriptEvent[] = [];
      if (command.name !== undefined && command.name !== state.name) {
        events.push({
          type: 'ScriptRenamed',
          data: { scriptId, name: validName(command.name), previousName: state.name },
        });
      }
      const latest = state.versions[state.latestVersion];
      const spec = validSpec(withChanges(latest, command.spec));
      const version = state.latestVersion + 1;
      events.push({
        type: 'ScriptVersionSaved',
        data: {
          scriptId,
          version,
          ...spec,
          ...(reason ? { reason } : {}),
          ...(command.upgrade ? { upgrade: true } : {}),
        },
      });
      return events;
    }
    case 'RenameScript': {
      const name = validName(command.name);
      if (name === state.name) return [];
      return [{ type: 'ScriptRenamed', data: { scriptId, name, previousName: state.name } }];
    }
    case 'ArchiveScript':
      return [{ type: 'ScriptArchived', data: { scriptId } }];
    case 'DeployScriptVersion': {
      integer('version', command.version, 1);
      const reason = optionalText('reason', command.reason, 1000);
      if (!state.versions[command.version]) {
        throw new NotFoundError(`script ${scriptId} has no version ${command.version}`);
      }
      if (state.deployedVersion === command.version) return [];
      return [
        {
          type: 'ScriptVersionDeployed',
          data: {
            scriptId,
            version: command.version,
            previousVersion: state.deployedVersion,
            ...(reason ? { reason } : {}),
          },
        },
      ];
    }
  }
}

export function evolveScript(state: ScriptState | undefined, event: ScriptEvent): ScriptState | undefined {
  switch (event.type) {
    case 'ScriptCreated':
      return {
        id: event.data.scriptId,
        name: event.data.name,
        latestVersion: 0,
        deployedVersion: null,
        archived: false,
        versions: {},
      };
    case 'ScriptVersionSaved': {
      if (!state) return state;
      const { scriptId: _id, version, reason: _reason, upgrade: _upgrade, ...spec } = event.data;
      return { ...state, latestVersion: version, versions: { ...state.versions, [version]: spec } };
    }
    case 'ScriptRenamed':
      return state && { ...state, name: event.data.name };
    case 'ScriptArchived':
      return state && { ...state, archived: true };
    case 'ScriptVersionDeployed':
      return state && { ...state, deployedVersion: event.data.version };
    default:
      return state;
  }
}

function validName(name: unknown): string {
  const trimmed = text('name', name).trim();
  if (!trimmed) throw new ValidationError('name must not be empty');
  if (trimmed.length > MAX_NAME_LENGTH)
    throw new ValidationError(`name must be at most ${MAX_NAME_LENGTH} characters`);
  return trimmed;
}

/**
 * `base` with the fields `changes` names: undefined keeps a field, null resets it to its
 * default (`code` has none, so null fails validation). Unknown fields are ignored.
 */
function withChanges(base: Partial<ScriptSpec>, changes: unknown): Record<keyof ScriptSpec, unknown> {
  if (!isPlainObject(changes)) throw new ValidationError('the script fields must be an object');
  const spec: Record<string, unknown> = { ...base };
  for (const [field, value] of Object.entries(changes)) {
    if (value === undefined) continue;
    spec[field] =
      value === null && field in DEFAULT_SPEC ? DEFAULT_SPEC[field as keyof typeof DEFAULT_SPEC] : value;
  }
  return spec as Record<keyof ScriptSpec, unknown>;
}

const LANGUAGES = ['typescript', 'javascript'] as const;
const NETWORK = ['none', 'egress'] as const;
const NPM_NAME = /^(@[a-z0-9-~][a-z0-9-._~]*\/)?[a-z0-9-~][a-z0-9-._~]*$/;

/** Every field of a version, checked; the result has exactly the spec's fields, none null but notifyUrl. */
function validSpec(spec: Record<keyof ScriptSpec, unknown>): ScriptSpec {
  const code = text('code', spec.code);
  if (Buffer.byteLength(code) > MAX_CODE_BYTES) {
    throw new ValidationError(`code must be at most ${MAX_CODE_BYTES} bytes`);
  }
  const timeoutMs = integer('timeoutMs', spec.timeoutMs, TIMEOUT_MS.min, TIMEOUT_MS.max);
  const memoryMb = integer('memoryMb', spec.memoryMb, MEMORY_MB.min, MEMORY_MB.max);
  const maxAttempts = integer('maxAttempts', spec.maxAttempts ?? 1, 1, MAX_ATTEMPTS);
  if (!isPlainObject(spec.dependencies)) throw new ValidationError('dependencies must be an object');
  for (const [pkg, range] of Object.entries(spec.dependencies)) {
    if (!NPM_NAME.test(pkg) || pkg.length > 214) {
      throw new ValidationError(`dependencies: "${pkg}" is not a valid npm package name`);
    }
    if (typeof range !== 'string' || !range.trim()) {
      throw new ValidationError(`dependencies: the version of "${pkg}" must be a non-empty string`);
    }
    text(`dependencies: the version of "${pkg}"`, range, { maxLength: 1000 });
  }
  if (spec.notifyUrl != null && !isHttpUrl(spec.notifyUrl)) {
    throw new ValidationError('notifyUrl must be an http or https URL');
  }
  const secrets = secretReferences('secrets', spec.secrets);
  return {
    code,
    language: oneOf('language', spec.language, LANGUAGES),
    dependencies: spec.dependencies as Record<string, string>,
    secrets,
    timeoutMs,
    memoryMb,
    network: oneOf('network', spec.network, NETWORK),
    maxAttempts,
    notifyUrl: spec.notifyUrl == null ? null : text('notifyUrl', spec.notifyUrl, { maxLength: 2000 }),
  };
}

function isHttpUrl(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  try {
    return ['http:', 'https:'].includes(new URL(value).protocol);
  } catch {
    return false;
  }
}

/** The script aggregate, as repositories take it. */
export const scriptAggregate: Aggregate<ScriptState, ScriptCommand, ScriptEvent> = {
  decide: decideScript,
  evolve: evolveScript,
};
