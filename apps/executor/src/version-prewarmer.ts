import { ExecutionState } from '@runlet/domain';
import { Runtime, SandboxLimits } from '@runlet/runtime';

/**
 * Starts a version's warm pool on its first run on this executor; later runs reuse the pool's
 * instances, which go back to it after each run (prewarming again would replace them).
 */
export class VersionPrewarmer {
  private readonly prewarmed = new Set<string>();

  constructor(private readonly runtime: Runtime) {}

  once(state: ExecutionState, artifactDir: string, limits: SandboxLimits): void {
    const key = `${state.scriptId}@${state.version}/${limits.memoryMb}/${limits.network}`;
    if (this.prewarmed.has(key)) return;
    this.prewarmed.add(key);
    this.runtime.prewarm(artifactDir, state.scriptId!, state.version, {
      memoryMb: limits.memoryMb,
      network: limits.network,
    });
  }
}
