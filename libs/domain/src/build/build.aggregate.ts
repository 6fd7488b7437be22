import { ConflictError, NotFoundError, ValidationError } from '../shared/errors';
import { BuildCommand, BuildEvent, BuildState, DependencyChange } from './build.types';

export const buildStreamId = (buildId: string) => `build-${buildId}`;

export const isBuildFinished = (state: BuildState | undefined): boolean =>
  state?.status === 'succeeded' || state?.status === 'failed';

export function decideBuild(command: BuildCommand, state: BuildState | undefined): BuildEvent[] {
  if (command.type === 'RequestBuild') {
    if (state) throw new ConflictError(`build ${command.buildId} was already requested`);
    if (!Number.isInteger(command.version) || command.version < 1) {
      throw new ValidationError(`build version must be a positive integer, got ${command.version}`);
    }
    const { buildId, scriptId, version } = command;
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
      return [{ type: 'BuildStarted', data: { ...ids, attempt: command.attempt } }];
    case 'SucceedBuild': {
      if (state.status !== 'building') throw new ConflictError(`build ${state.id} has not started`);
      const { type: _type, ...result } = command;
      return [{ type: 'BuildSucceeded', data: { ...ids, ...result } }];
    }
    case 'FailBuild':
      return [
        {
          type: 'BuildFailed',
          data: {
            ...ids,
            reason: command.reason,
            logExcerpt: command.logExcerpt,
            ...(command.location ? { location: command.location } : {}),
          },
        },
      ];
  }
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
