import { createHash } from 'node:crypto';
import { hashLockfile } from './lockfile';

/** Default freshness of a cached resolution (RUNLET_RESOLVE_CACHE_MS). */
export const DEFAULT_RESOLVE_CACHE_MS = 60_000;
/** Distinct resolutions remembered; the oldest is forgotten first. */
const MAX_ENTRIES = 1000;

/**
 * Lockfiles of recent resolutions, by what was resolved (dependency spec and seed lockfile). A range
 * resolved a moment ago resolves the same now, so try-outs and builds within `freshMs` reuse it and
 * start no npm; after that the registry is asked again, so new releases are picked up. 0 disables it.
 */
export class ResolveCache {
  private readonly entries = new Map<string, { lockfile: string; at: number }>();

  constructor(
    private readonly freshMs = DEFAULT_RESOLVE_CACHE_MS,
    private readonly now: () => number = Date.now,
  ) {}

  /** The lockfile and its age, or undefined when none is fresh. */
  get(key: string): { lockfile: string; ageMs: number } | undefined {
    const hit = this.entries.get(key);
    if (!hit) return undefined;
    const ageMs = this.now() - hit.at;
    if (ageMs >= this.freshMs || ageMs < 0) {
      this.entries.delete(key);
      return undefined;
    }
    return { lockfile: hit.lockfile, ageMs };
  }

  set(key: string, lockfile: string): void {
    if (this.freshMs <= 0) return;
    this.entries.delete(key); // re-inserted last: Map order is age order
    this.entries.set(key, { lockfile, at: this.now() });
    while (this.entries.size > MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
  }
}

/** What a resolution depends on: the dependency spec and the lockfile it starts from. */
export function resolutionKey(spec: Record<string, string>, seedLockfile: string | undefined): string {
  const seed = seedLockfile ? hashLockfile(seedLockfile) : 'fresh';
  return `spec:${createHash('sha256').update(JSON.stringify(spec)).digest('hex')}:${seed}`;
}
