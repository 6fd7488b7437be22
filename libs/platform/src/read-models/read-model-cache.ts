/**
 * Short-lived, process-local copies of read-model rows for the hot paths (webhook → trigger,
 * manual run → deployed version). Entries are dropped when a change is seen (`forget`,
 * `forgetWhere`, usually called as this process applies events to the read models) and expire
 * after `ttlMs` for changes applied elsewhere. A lookup that raced a change is not cached.
 */
import { BUILD_EVENT_TYPES, SCRIPT_EVENT_TYPES } from '@runlet/domain';
export class ReadModelCache<V> {
  private readonly entries = new Map<string, { value: V; until: number }>();
  /** Bumped by every change; a lookup started under an older epoch is returned but not kept. */
  private epoch = 0;

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries = 50_000,
  ) {}

  async get(key: string, load: () => Promise<V>, keep: (value: V) => boolean = () => true): Promise<V> {
    const hit = this.entries.get(key);
    if (hit && hit.until > Date.now()) return hit.value;
    const epoch = this.epoch;
    const value = await load();
    if (keep(value) && epoch === this.epoch) {
      if (this.entries.size >= this.maxEntries) this.entries.clear();
      this.entries.set(key, { value, until: Date.now() + this.ttlMs });
    } else {
      this.entries.delete(key);
    }
    return value;
  }

  forget(key: string): void {
    this.epoch++;
    this.entries.delete(key);
  }

  forgetWhere(stale: (value: V) => boolean): void {
    this.epoch++;
    for (const [key, entry] of this.entries) if (stale(entry.value)) this.entries.delete(key);
  }
}

const SCRIPT_SUMMARY_EVENTS = new Set<string>([...SCRIPT_EVENT_TYPES, ...BUILD_EVENT_TYPES]);

/** Script ids whose summary (versions, deployment, build) the events change. */
export function changedScripts(events: { type: string; data: any }[]): string[] {
  return events
    .filter((e) => SCRIPT_SUMMARY_EVENTS.has(e.type) && typeof e.data?.scriptId === 'string')
    .map((e) => e.data.scriptId as string);
}
