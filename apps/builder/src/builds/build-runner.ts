import {
  BuildCommand,
  BuildEvent,
  BuildState,
  buildStreamId,
  decideScript,
  buildAggregate,
  dependencyChanges,
  evolveBuild,
  evolveScript,
  isBuildFinished,
  ScriptCommand,
  ScriptEvent,
  ScriptState,
  scriptStreamId,
} from '@runlet/domain';
import { AggregateRepository, EventMetadata, EventStore, StoredEvent } from '@runlet/event-store';
import { LogStore } from '@runlet/logs';
import { BuildError, ImageBuilder, ScriptBuilder } from '@runlet/build';
import { BuildHistory } from './build-history';
import { BuildLog, logExcerpt } from './build-log';

/** Deploys only forward: a late or retried build never replaces a newer deployed version. */
const deployIfNewer = {
  decide: (command: ScriptCommand, state: ScriptState | undefined): ScriptEvent[] =>
    command.type === 'DeployScriptVersion' &&
    state &&
    !state.archived &&
    (state.deployedVersion ?? 0) < command.version
      ? decideScript(command, state)
      : [],
  evolve: evolveScript,
};

export type BuildOutcome = 'succeeded' | 'failed' | 'skipped';

/**
 * One attempt at one build: start → build → record success (and deploy) or failure. A user's build
 * error is recorded and final; anything else throws so the queue retries the attempt.
 */
export class BuildRunner {
  constructor(
    private readonly repo: AggregateRepository,
    private readonly store: EventStore,
    private readonly history: BuildHistory,
    private readonly builder: ScriptBuilder,
    private readonly logs: LogStore,
    /** Builds and pushes each version's image (container runtimes); none: artifacts only. */
    private readonly images?: ImageBuilder,
  ) {}

  async run(buildId: string, attempt: number): Promise<BuildOutcome> {
    const streamId = buildStreamId(buildId);
    const loaded = await this.load(streamId);
    if (!loaded) return 'skipped';
    const { state, requested, last } = loaded;
    if (state.status === 'succeeded') {
      // An earlier attempt may have died between recording the success and deploying.
      await this.deploy(state, this.metadata(requested, last.eventId));
      return 'skipped';
    }
    if (isBuildFinished(state)) return 'skipped';

    const started = await this.execute(
      streamId,
      { type: 'StartBuild', attempt },
      this.metadata(requested, requested.eventId),
    );
    if (started.length === 0) return 'skipped'; // finished meanwhile by another worker
    const after = this.metadata(requested, started[0].eventId);
    const log = new BuildLog(this.logs, buildId, attempt);
    try {
      log.line(`attempt ${attempt}`);
      const spec = await this.history.scriptVersion(state.scriptId, state.version);
      if (!spec) {
        await this.execute(
          streamId,
          {
            type: 'FailBuild',
            reason: `script ${state.scriptId} has no version ${state.version}`,
            logExcerpt: '',
          },
          after,
        );
        return 'failed';
      }
      const previous = await this.history.lastSuccess(state.scriptId);
      let output;
      try {
        output = await this.builder.build({
          scriptId: state.scriptId,
          version: state.version,
          code: spec.code,
          language: spec.language,
          dependencies: spec.dependencies,
          previousLock: previous
            ? {
                lockfile: previous.lockfile,
                lockfileHash: previous.lockfileHash,
                dependencySpec: previous.dependencySpec,
              }
            : null,
          upgrade: state.upgrade,
          log: (line) => log.line(line, line.startsWith('build failed') ? 'error' : 'info'),
        });
      } catch (err) {
        if (!(err instanceof BuildError)) throw err;
        const failure: BuildCommand = {
          type: 'FailBuild',
          reason: err.reason,
          logExcerpt: logExcerpt(err.log),
          ...(err.location ? { location: err.location } : {}),
        };
        await this.execute(streamId, failure, after);
        return 'failed';
      }
      // Not a user's error when it fails (the engine or registry): thrown, so the queue retries.
      const image = this.images
        ? await this.images.build(
            {
              nodeModulesDir: output.nodeModulesDir,
              artifactDir: output.artifactDir,
              labels: { scriptId: state.scriptId, version: state.version, lockfileHash: output.lockfileHash },
            },
            (line) => log.line(line),
          )
        : undefined;
      const recorded = await this.execute(
        streamId,
        {
          type: 'SucceedBuild',
          resolvedDependencies: output.resolvedDependencies,
          dependencySpec: output.dependencySpec,
          lockfile: output.lockfile,
          lockfileHash: output.lockfileHash,
          cacheHit: output.cacheHit,
          durationMs: output.durationMs,
          artifactDir: output.artifactDir,
          // Against the previous successful build: what an upgrade (or a changed pin) moved.
          changes: previous
            ? dependencyChanges(previous.resolvedDependencies ?? {}, output.resolvedDependencies)
            : {},
          ...(image ? { image: image.image, ...(image.digest ? { imageDigest: image.digest } : {}) } : {}),
        },
        after,
      );
      if (recorded.length === 0) return 'skipped';
      await this.deploy(state, this.metadata(requested, recorded[0].eventId));
      return 'succeeded';
    } finally {
      await log.close();
    }
  }

  /** The queue gave up on the build (attempts exhausted, or its builder kept dying): record it as failed. */
  async abandon(buildId: string, message: string): Promise<void> {
    const streamId = buildStreamId(buildId);
    const loaded = await this.load(streamId);
    if (!loaded || isBuildFinished(loaded.state)) return;
    await this.execute(
      streamId,
      { type: 'FailBuild', reason: `build could not be completed: ${message}`, logExcerpt: '' },
      this.metadata(loaded.requested, loaded.last.eventId),
    );
  }

  private async load(
    streamId: string,
  ): Promise<{ state: BuildState; requested: StoredEvent; last: StoredEvent } | undefined> {
    const events = await this.store.readStream(streamId);
    if (events.length === 0) return undefined; // not a build of this installation
    const state = events.reduce<BuildState | undefined>(
      (s, e) => evolveBuild(s, { type: e.type, data: e.data } as BuildEvent),
      undefined,
    );
    return state && { state, requested: events[0], last: events[events.length - 1] };
  }

  private async execute(
    streamId: string,
    command: BuildCommand,
    metadata: EventMetadata,
  ): Promise<StoredEvent[]> {
    return (await this.repo.execute(streamId, buildAggregate, command, metadata)).events;
  }

  private async deploy(state: BuildState, metadata: EventMetadata): Promise<void> {
    await this.repo.execute(
      scriptStreamId(state.scriptId),
      deployIfNewer,
      { type: 'DeployScriptVersion', version: state.version, reason: `build ${state.id} succeeded` },
      metadata,
    );
  }

  private metadata(requested: StoredEvent, causationId: string): EventMetadata {
    return { actor: 'system:builder', correlationId: requested.metadata.correlationId, causationId };
  }
}
