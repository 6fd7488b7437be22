import {
  Database,
  EventStore,
  readBuiltImages,
  readLatestScriptEvent,
  readReferencedLockfileHashes,
} from '@runlet/event-store';
import {
  BuildSucceeded,
  EventType,
  evolveScript,
  ScriptEvent,
  ScriptSpec,
  scriptStreamId,
  ScriptState,
} from '@runlet/domain';

export type SucceededBuild = BuildSucceeded['data'];

/**
 * What a build needs to know from the log. Read from events, not read models: the builder role
 * may run in a process without the API and its projections.
 */
export class BuildHistory {
  constructor(
    private readonly db: Database,
    private readonly store: EventStore,
  ) {}

  async scriptVersion(scriptId: string, version: number): Promise<ScriptSpec | undefined> {
    const events = await this.store.readStream(scriptStreamId(scriptId));
    const state = events.reduce<ScriptState | undefined>(
      (s, e) => evolveScript(s, { type: e.type, data: e.data } as ScriptEvent),
      undefined,
    );
    return state?.versions[version];
  }

  /** The script's last successful build (its lockfile seeds the next build). Uses the scriptId index. */
  async lastSuccess(scriptId: string): Promise<SucceededBuild | undefined> {
    return (await readLatestScriptEvent(this.db, this.store, EventType.BuildSucceeded, scriptId))?.data;
  }

  /**
   * Lockfile hashes still needed: those of each script's deployed version and of every build
   * recorded since `since`.
   */
  referencedLockfileHashes(since: Date): Promise<Set<string>> {
    return readReferencedLockfileHashes(
      this.db,
      { deployed: EventType.ScriptVersionDeployed, built: EventType.BuildSucceeded },
      since,
    );
  }

  /** Every image builds recorded, with whether it is still referenced (deployed or recent, script not archived). */
  builtImages(since: Date) {
    return readBuiltImages(
      this.db,
      {
        deployed: EventType.ScriptVersionDeployed,
        built: EventType.BuildSucceeded,
        archived: EventType.ScriptArchived,
      },
      since,
    );
  }
}
