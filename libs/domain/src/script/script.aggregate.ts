import { ConflictError, NotFoundError, ValidationError } from '../shared/errors';
import {
  DEFAULT_SPEC,
  MAX_ATTEMPTS,
  MAX_CODE_BYTES,
  MAX_NAME_LENGTH,
  MEMORY_MB,
  TIMEOUT_MS,
} from './script-limits';
import { ScriptCommand, ScriptEvent, ScriptSpec, ScriptState } from './script.types';

export const scriptStreamId = (scriptId: string) => `script-${scriptId}`;

export function decideScript(command: ScriptCommand, state: ScriptState | undefined): ScriptEvent[] {
  if (command.type === 'CreateScript') {
    if (state) throw new ConflictError(`script ${command.scriptId} already exists`);
    const name = validName(command.name);
    const spec = validSpec({ ...DEFAULT_SPEC, ...stripUndefined(command.spec) } as ScriptSpec);
    const scriptId = command.scriptId;
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
      const spec = validSpec({ ...latest, ...stripUndefined(command.spec) });
      const version = state.latestVersion + 1;
      events.push({
        type: 'ScriptVersionSaved',
        data: {
          scriptId,
          version,
          ...spec,
          ...(command.reason ? { reason: command.reason } : {}),
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
            ...(command.reason ? { reason: command.reason } : {}),
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

function validName(name: string): string {
  const trimmed = (name ?? '').trim();
  if (!trimmed) throw new ValidationError('name must not be empty');
  if (trimmed.length > MAX_NAME_LENGTH)
    throw new ValidationError(`name must be at most ${MAX_NAME_LENGTH} characters`);
  return trimmed;
}

function validSpec(spec: ScriptSpec): ScriptSpec {
  if (typeof spec.code !== 'string') throw new ValidationError('code must be a string');
  if (Buffer.byteLength(spec.code) > MAX_CODE_BYTES) {
    throw new ValidationError(`code must be at most ${MAX_CODE_BYTES} bytes`);
  }
  if (
    !Number.isInteger(spec.timeoutMs) ||
    spec.timeoutMs < TIMEOUT_MS.min ||
    spec.timeoutMs > TIMEOUT_MS.max
  ) {
    throw new ValidationError(`timeoutMs must be an integer between ${TIMEOUT_MS.min} and ${TIMEOUT_MS.max}`);
  }
  if (!Number.isInteger(spec.memoryMb) || spec.memoryMb < MEMORY_MB.min || spec.memoryMb > MEMORY_MB.max) {
    throw new ValidationError(`memoryMb must be an integer between ${MEMORY_MB.min} and ${MEMORY_MB.max}`);
  }
  const attempts = spec.maxAttempts ?? 1;
  if (!Number.isInteger(attempts) || attempts < 1 || attempts > MAX_ATTEMPTS) {
    throw new ValidationError(`maxAttempts must be an integer between 1 and ${MAX_ATTEMPTS}`);
  }
  for (const [pkg, range] of Object.entries(spec.dependencies)) {
    if (!/^(@[a-z0-9-~][a-z0-9-._~]*\/)?[a-z0-9-~][a-z0-9-._~]*$/.test(pkg)) {
      throw new ValidationError(`dependencies: "${pkg}" is not a valid npm package name`);
    }
    if (typeof range !== 'string' || !range.trim()) {
      throw new ValidationError(`dependencies: the version of "${pkg}" must be a non-empty string`);
    }
  }
  if (spec.notifyUrl != null && !isHttpUrl(spec.notifyUrl)) {
    throw new ValidationError('notifyUrl must be an http or https URL');
  }
  for (const name of spec.secrets) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name))
      throw new ValidationError(`secrets: "${name}" is not a valid secret name`);
  }
  return {
    code: spec.code,
    language: spec.language,
    dependencies: spec.dependencies,
    secrets: spec.secrets,
    timeoutMs: spec.timeoutMs,
    memoryMb: spec.memoryMb,
    network: spec.network,
    maxAttempts: spec.maxAttempts ?? 1,
    notifyUrl: spec.notifyUrl ?? null,
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

function stripUndefined<T extends object>(obj: T): Partial<T> {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined)) as Partial<T>;
}
