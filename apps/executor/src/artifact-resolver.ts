import { EventType, ScriptSpec, scriptStreamId } from '@runlet/domain';
import { Database, EventStore, readLatestScriptEvent } from '@runlet/event-store';

export interface ResolvedVersion {
  artifactDir: string;
  spec: ScriptSpec;
  /** The version's image in the registry, when the builder built one (container runtimes). */
  image?: string;
}

/** Where the built artifact and the limits of a script version are; versions are immutable, so cached. */
export class ArtifactResolver {
  private readonly cache = new Map<string, ResolvedVersion>();

  constructor(
    private readonly db: Database,
    private readonly store: EventStore,
  ) {}

  async resolve(scriptId: string, version: number): Promise<ResolvedVersion> {
    const key = `${scriptId}@${version}`;
    const hit = this.cache.get(key);
    if (hit) return hit;
    const build = await readLatestScriptEvent(
      this.db,
      this.store,
      EventType.BuildSucceeded,
      scriptId,
      version,
    );
    if (!build) throw new Error(`version ${version} of script ${scriptId} has no successful build`);
    // Through the store, so events stored in an older shape are upcast.
    const saved = (await this.store.readStream(scriptStreamId(scriptId))).find(
      (e) => e.type === EventType.ScriptVersionSaved && e.data.version === version,
    );
    if (!saved) throw new Error(`script ${scriptId} has no version ${version}`);
    const { scriptId: _s, version: _v, reason: _r, upgrade: _u, ...spec } = saved.data;
    const image = typeof build.data.image === 'string' ? build.data.image : undefined;
    const resolved = { artifactDir: build.data.artifactDir, spec: spec as ScriptSpec, image };
    if (this.cache.size > 5000) this.cache.clear();
    this.cache.set(key, resolved);
    return resolved;
  }
}
