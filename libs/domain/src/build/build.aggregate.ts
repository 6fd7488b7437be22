import type { Aggregate } from '../common/aggregate';
import { ConflictError, NotFoundError, ValidationError } from '../common/errors';
import {
  boolean,
  durationMs,
  id,
  integer,
  isPlainObject,
  storableDiagnostic,
  stringMap,
  text,
} from '../common/validation';
import {
  BuildCommand,
  BuildEvent,
  BuildLocation,
  BuildResult,
  BuildState,
  DependencyChange,
} from './build.types';

export const buildStreamId = (buildId: string) => `build-${buildId}`;

export const isBuildFinished = (state: BuildState | undefined): boolean =>
  state?.status === 'succeeded' || state?.status === 'failed';

export function decideBuild(command: BuildCommand, state: BuildState | undefined): BuildEvent[] {
  if (command.type === 'RequestBuild') {
    if (state) throw new ConflictError(`build ${command.buildId} was already requested`);
    const buildId = id('buildId', command.buildId);
    const scriptId = id('scriptId', command.scriptId);
    const version = integer('build version', command.version, 1);
    if (command.upgrade !== undefined) boolean('upgrade', command.upgrade);
    return [
      {
        type: 'BuildRequested',
        data: { buildId, scriptId, version, ...(command.upgrade ? { upgrade: true } : {}) },
      },
    ];
  }
  if (!state) throw new NotFoundError('build not found');
  // A finished build is final: a retried or duplicated job changes nothing.
  if (isBuildFinished(state)) return [];
  const ids = { buildId: state.id, scriptId: state.scriptId, version: state.version };
  switch (command.type) {
    case 'StartBuild':
      return [{ type: 'BuildStarted', data: { ...ids, attempt: integer('attempt', command.attempt, 1) } }];
    case 'SucceedBuild': {
      if (state.status !== 'building') throw new ConflictError(`build ${state.id} has not started`);
      return [{ type: 'BuildSucceeded', data: { ...ids, ...validResult(command) } }];
    }
    case 'FailBuild': {
      // Build output is the tools' text: kept (unstorable characters replaced) so the build always ends.
      const location = command.location == null ? undefined : validLocation(command.location);
      return [
        {
          type: 'BuildFailed',
          data: {
            ...ids,
            reason: storableDiagnostic(command.reason),
            logExcerpt: storableDiagnostic(command.logExcerpt),
            ...(location ? { location } : {}),
          },
        },
      ];
    }
  }
}

function validResult(r: BuildResult): BuildResult {
  if (!isPlainObject(r.changes)) throw new ValidationError('changes must be an object');
  for (const [name, change] of Object.entries(r.changes)) {
    if (
      !isPlainObject(change) ||
      ![change.from, change.to].every((v) => v === null || typeof v === 'string')
    ) {
      throw new ValidationError(`changes["${name}"] must be {from, to} with versions or null`);
    }
  }
  return {
    resolvedDependencies: stringMap('resolvedDependencies', r.resolvedDependencies),
    dependencySpec: stringMap('dependencySpec', r.dependencySpec),
    lockfile: text('lockfile', r.lockfile),
    lockfileHash: text('lockfileHash', r.lockfileHash, { maxLength: 200 }),
    cacheHit: boolean('cacheHit', r.cacheHit),
    durationMs: durationMs(r.durationMs),
    artifactDir: text('artifactDir', r.artifactDir, { maxLength: 4096 }),
    changes: r.changes,
    ...(r.image === undefined ? {} : { image: text('image', r.image, { maxLength: 1000 }) }),
    ...(r.imageDigest === undefined
      ? {}
      : { imageDigest: text('imageDigest', r.imageDigest, { maxLength: 200 }) }),
  };
}

function validLocation(location: BuildLocation): BuildLocation {
  if (!isPlainObject(location)) throw new ValidationError('location must be {line, column}');
  return {
    line: integer('location.line', location.line, 0),
    column: integer('location.column', location.column, 0),
  };
}

export function evolveBuild(state: BuildState | undefined, event: BuildEvent): BuildState | undefined {
  switch (event.type) {
    case 'BuildRequested':
      return {
        id: event.data.buildId,
        scriptId: event.data.scriptId,
        version: event.data.version,
        upgrade: event.data.upgrade === true,
        status: 'pending',
        attempt: 0,
      };
    case 'BuildStarted':
      return state && { ...state, status: 'building', attempt: event.data.attempt };
    case 'BuildSucceeded':
      return state && { ...state, status: 'succeeded' };
    case 'BuildFailed':
      return state && { ...state, status: 'failed' };
    default:
      return state;
  }
}

/** Direct dependencies whose resolved version differs between two builds (added/removed: null side). */
export function dependencyChanges(
  previous: Record<string, string>,
  next: Record<string, string>,
): Record<string, DependencyChange> {
  const changes: Record<string, DependencyChange> = {};
  for (const name of [...new Set([...Object.keys(previous), ...Object.keys(next)])].sort()) {
    const from = previous[name] ?? null;
    const to = next[name] ?? null;
    if (from !== to) changes[name] = { from, to };
  }
  return changes;
}

/** The build aggregate, as repositories take it. */
export const buildAggregate: Aggregate<BuildState, BuildCommand, BuildEvent> = {
  decide: decideBuild,
  evolve: evolveBuild,
};
