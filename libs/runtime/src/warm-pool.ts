import type { SandboxInstance } from './sandbox-instance';
import type { SandboxLimits } from './types';

export interface WarmPoolOptions {
  size: number;
  idleMs: number;
  reuse: boolean;
}

interface IdleInstance {
  instance: SandboxInstance;
  timer: NodeJS.Timeout;
}

/** Warm instances of one deployed version. */
interface PoolEntry {
  artifactDir: string;
  limits: SandboxLimits;
  idle: IdleInstance[];
}

export type InstanceFactory = (artifactDir: string, limits: SandboxLimits) => SandboxInstance;

const keyOf = (scriptId: string, version: number): string => `${scriptId}\u0000${version}`;
const sameLimits = (a: SandboxLimits, b: SandboxLimits): boolean =>
  a.memoryMb === b.memoryMb && a.network === b.network;

/**
 * Pre-started sandboxes per (scriptId, version). An instance only ever serves its own version, one
 * run at a time; only prewarmed versions are pooled. Instances are handed out even while still
 * starting, so a run right after prewarm waits for that start instead of racing a second one.
 */
export class WarmPool {
  private readonly entries = new Map<string, PoolEntry>();
  private closed = false;

  constructor(
    private readonly options: WarmPoolOptions,
    private readonly create: InstanceFactory,
  ) {}

  prewarm(artifactDir: string, scriptId: string, version: number, limits: SandboxLimits): void {
    if (this.options.size <= 0 || this.closed) return;
    const key = keyOf(scriptId, version);
    const entry = this.entries.get(key);
    if (entry && entry.artifactDir === artifactDir && sameLimits(entry.limits, limits))
      return this.fill(entry);
    if (entry) this.drain(entry);
    const fresh: PoolEntry = { artifactDir, limits, idle: [] };
    this.entries.set(key, fresh);
    this.fill(fresh);
  }

  /** Limits the pool of this version is warmed with (what prewarm without limits should use). */
  limitsOf(scriptId: string, version: number): SandboxLimits | undefined {
    return this.entries.get(keyOf(scriptId, version))?.limits;
  }

  /** A warm instance for exactly this version, artifact and limits, or undefined (start a fresh one). */
  acquire(
    artifactDir: string,
    scriptId: string,
    version: number,
    limits: SandboxLimits,
  ): SandboxInstance | undefined {
    const entry = this.entries.get(keyOf(scriptId, version));
    if (!entry || entry.artifactDir !== artifactDir || !sameLimits(entry.limits, limits)) return undefined;
    let taken: IdleInstance | undefined;
    while ((taken = entry.idle.shift())) {
      clearTimeout(taken.timer);
      if (taken.instance.alive) break;
    }
    // Without reuse the taken instance never comes back, so start its replacement now.
    if (!this.options.reuse) this.fill(entry);
    return taken?.instance;
  }

  /**
   * Hands an instance back after a run. It stays warm only with `reuse`, when still healthy and
   * the pool has room, once cleaned of what the run left behind; otherwise (or when that cleaning
   * fails) it is killed and the pool refilled with a fresh one.
   */
  release(
    instance: SandboxInstance,
    artifactDir: string,
    scriptId: string,
    version: number,
    limits: SandboxLimits,
    healthy: boolean,
  ): void {
    const entry = this.entries.get(keyOf(scriptId, version));
    if (entry && entry.artifactDir === artifactDir && !sameLimits(entry.limits, limits)) {
      // Runs tell us the version's real limits: re-warm with those.
      this.drain(entry);
      entry.limits = limits;
    }
    const pooled = entry && entry.artifactDir === artifactDir && !this.closed;
    if (pooled && this.options.reuse && healthy && instance.alive && entry.idle.length < this.options.size) {
      instance.recycle();
      this.park(entry, instance, () => this.fill(entry));
      return;
    }
    void instance.kill();
    if (pooled) this.fill(entry);
  }

  /** Number of idle (ready or starting) instances for a version. */
  idleCount(scriptId: string, version: number): number {
    return this.entries.get(keyOf(scriptId, version))?.idle.length ?? 0;
  }

  close(): void {
    this.closed = true;
    for (const entry of this.entries.values()) this.drain(entry);
    this.entries.clear();
  }

  /** Tops the pool up; an instance that fails to start is only dropped (no retry loop while broken). */
  private fill(entry: PoolEntry): void {
    while (!this.closed && entry.idle.length < this.options.size) {
      this.park(entry, this.create(entry.artifactDir, entry.limits));
    }
  }

  /** Keeps an instance idle until acquired, expired, or its readiness fails (then `onFailure`). */
  private park(entry: PoolEntry, instance: SandboxInstance, onFailure?: () => void): void {
    const timer = setTimeout(() => {
      this.remove(entry, instance);
      void instance.kill();
    }, this.options.idleMs);
    timer.unref();
    entry.idle.push({ instance, timer });
    instance.ready.catch(() => {
      if (!this.remove(entry, instance)) return; // already handed out: its run deals with it
      void instance.kill();
      if ([...this.entries.values()].includes(entry)) onFailure?.();
    });
  }

  /** Takes an instance out of the idle list; false if it was not there. */
  private remove(entry: PoolEntry, instance: SandboxInstance): boolean {
    const index = entry.idle.findIndex((idle) => idle.instance === instance);
    if (index >= 0) clearTimeout(entry.idle.splice(index, 1)[0].timer);
    return index >= 0;
  }

  private drain(entry: PoolEntry): void {
    for (const idle of entry.idle.splice(0)) {
      clearTimeout(idle.timer);
      void idle.instance.kill();
    }
  }
}
