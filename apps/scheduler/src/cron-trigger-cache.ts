import { TriggerRow, TriggersQuery } from '@runlet/read-models';

/** A cron trigger as the scheduler needs it on the hot path. */
export type CronTrigger = Pick<
  TriggerRow,
  'id' | 'scriptId' | 'schedule' | 'timezone' | 'input' | 'overlap' | 'catchUp' | 'paused' | 'deleted'
> & {
  schedule: string;
  timezone: string;
  /** Ticks at or before this are done: the last fired tick, or the last (re)configuration. */
  baseline: Date;
};

/**
 * The live cron triggers, in memory so a tick reads no database before firing. Filled from
 * rm_triggers (small staleness is fine: a paused trigger's scheduler is removed anyway).
 */
export class CronTriggerCache {
  private readonly byId = new Map<string, CronTrigger>();
  constructor(private readonly query: TriggersQuery) {}

  get(id: string): CronTrigger | undefined {
    return this.byId.get(id);
  }

  all(): CronTrigger[] {
    return [...this.byId.values()];
  }

  /** Live and unpaused: should have a job scheduler and fire. */
  active(): CronTrigger[] {
    return this.all().filter(isActive);
  }

  async reloadAll(): Promise<void> {
    const rows = (await this.query.activeCron()).filter(isSchedulable).map(toCronTrigger);
    const seen = new Set(rows.map((r) => r.id));
    for (const id of this.byId.keys()) if (!seen.has(id)) this.byId.delete(id);
    for (const row of rows) this.put(row);
  }

  /** Reloads some triggers (deleted ones too, so the cache learns about the deletion). */
  async reload(ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    this.replace(ids, await this.query.byIdsWithDeleted(ids));
  }

  /** Triggers of a script (after ScriptArchived, whose effect lands on these rows). */
  async reloadScript(scriptId: string): Promise<void> {
    const rows = await this.query.byScriptWithDeleted(scriptId);
    this.replace(
      rows.map((r) => r.id),
      rows,
    );
  }

  /** This process fired `scheduledAt`: move the baseline without waiting for the projection. */
  markFired(id: string, scheduledAt: Date): void {
    const t = this.byId.get(id);
    if (t && scheduledAt > t.baseline) t.baseline = scheduledAt;
  }

  /** Puts the schedulable ones of `rows`; drops those of `ids` that are not among them. */
  private replace(ids: string[], rows: TriggerRow[]): void {
    const found = new Set<string>();
    for (const row of rows) {
      found.add(row.id);
      if (isSchedulable(row)) this.put(toCronTrigger(row));
    }
    for (const id of ids) if (!found.has(id)) this.byId.delete(id);
  }

  private put(next: CronTrigger): void {
    const prev = this.byId.get(next.id);
    // The projection may lag this process's own firings; never move the baseline back.
    if (prev && prev.baseline > next.baseline) next.baseline = prev.baseline;
    this.byId.set(next.id, next);
  }
}

type RowLike = Pick<
  TriggerRow,
  | 'id'
  | 'scriptId'
  | 'schedule'
  | 'timezone'
  | 'input'
  | 'overlap'
  | 'catchUp'
  | 'paused'
  | 'deleted'
  | 'lastScheduledAt'
  | 'updatedAt'
>;

export const isActive = (t: CronTrigger) => !t.deleted && !t.paused;

function isSchedulable(r: TriggerRow): boolean {
  return r.type === 'cron' && !!r.schedule;
}

function toCronTrigger(r: RowLike): CronTrigger {
  const last = r.lastScheduledAt ? Date.parse(r.lastScheduledAt) : 0;
  // updated_at moves on create/edit/pause/resume (not on firings): ticks before it are not "missed".
  const configured = Date.parse(r.updatedAt);
  return {
    id: r.id,
    scriptId: r.scriptId,
    schedule: r.schedule!,
    timezone: r.timezone ?? 'UTC',
    input: r.input,
    overlap: r.overlap,
    catchUp: r.catchUp,
    paused: r.paused,
    deleted: r.deleted,
    baseline: new Date(Math.max(last, configured)),
  };
}
