import { EventType, ExecutionState } from '@runlet/domain';
import { EventHints, EventStore } from '@runlet/event-store';
import { Runtime, SandboxLimits } from '@runlet/runtime';
import { ArtifactResolver } from './artifact-resolver';

/** Deploys are looked for at most this often (every commit hints; one read covers many). */
const READ_EVERY_MS = 200;
/** Without hints (Redis unreachable) deploys are still seen, later. */
const POLL_MS = 5000;

/**
 * Warms a version's pool on this executor as soon as it is deployed (ScriptVersionDeployed, read
 * from the store whenever commits are hinted), so its first runs find warm sandboxes; versions
 * deployed before this executor started are warmed on their first run here. Later runs reuse the
 * pool's instances, which go back to it after each run (prewarming again would replace them).
 */
export class VersionPrewarmer {
  private readonly prewarmed = new Set<string>();
  private after = 0;
  private stopHints?: () => void;
  private poll?: NodeJS.Timeout;
  private pending?: NodeJS.Timeout;
  private reading?: Promise<void>;
  private watching = false;

  constructor(private readonly runtime: Runtime) {}

  once(state: ExecutionState, artifactDir: string, limits: SandboxLimits): void {
    this.warm(state.scriptId!, state.version, artifactDir, limits);
  }

  /** Prewarms every version deployed from now on. */
  async watch(store: EventStore, hints: EventHints, artifacts: ArtifactResolver): Promise<void> {
    this.after = await store.headPosition();
    this.watching = true;
    const read = () => {
      this.pending ??= setTimeout(() => {
        this.pending = undefined;
        this.reading ??= this.readDeploys(store, artifacts).finally(() => (this.reading = undefined));
      }, READ_EVERY_MS);
    };
    this.stopHints = hints.onAppended(read);
    this.poll = setInterval(read, POLL_MS);
    this.poll.unref();
  }

  async stop(): Promise<void> {
    this.watching = false;
    this.stopHints?.();
    clearInterval(this.poll);
    clearTimeout(this.pending);
    await this.reading;
  }

  private async readDeploys(store: EventStore, artifacts: ArtifactResolver): Promise<void> {
    try {
      for (;;) {
        const { events, coveredTo } = await store.readTypes(
          this.after,
          [EventType.ScriptVersionDeployed],
          100,
        );
        for (const event of events) {
          if (!this.watching) return;
          const { scriptId, version } = event.data as { scriptId: string; version: number };
          const resolved = await artifacts.resolve(scriptId, version).catch(() => undefined);
          if (resolved) this.warm(scriptId, version, resolved.artifactDir, resolved.spec, true);
        }
        this.after = coveredTo;
        if (events.length < 100) return;
      }
    } catch (err) {
      console.error(`[executor] reading deploys to prewarm: ${(err as Error).message}`);
    }
  }

  /** `deployed`: warm again even if warmed before (a rolled-back version regains its floor). */
  private warm(
    scriptId: string,
    version: number,
    artifactDir: string,
    limits: SandboxLimits,
    deployed = false,
  ) {
    const key = `${scriptId}@${version}/${limits.memoryMb}/${limits.network}`;
    if (this.prewarmed.has(key) && !deployed) return;
    this.prewarmed.add(key);
    this.runtime.prewarm(artifactDir, scriptId, version, {
      memoryMb: limits.memoryMb,
      network: limits.network,
    });
  }
}
