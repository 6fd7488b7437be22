import { Logger } from '@nestjs/common';
import { Queue } from 'bullmq';
import { CronTrigger } from './cron-trigger-cache';
import { schedulerIdOf } from './scheduler.config';

/** What Redis holds for one trigger's job scheduler. */
export interface RedisSchedule {
  pattern?: string;
  tz?: string;
  /** BullMQ time of the next tick job (shifted by the lead). */
  next?: number;
}

/** A job scheduler just (re)made, and the BullMQ time of its first tick job. */
export interface Upserted {
  trigger: CronTrigger;
  firstMillis: number | undefined;
}

/**
 * Keeps one BullMQ job scheduler per live, unpaused cron trigger and none for the others.
 * Upserts only when Redis differs: an upsert replaces the pending tick job, and a tick that is
 * already due but not yet taken by a worker would be lost.
 */
export class JobSchedulerSync {
  private readonly log = new Logger('scheduler');

  constructor(private readonly queue: Queue) {}

  async current(): Promise<Map<string, RedisSchedule>> {
    const list = await this.queue.getJobSchedulers(0, -1, true);
    return new Map(
      list
        .filter((s) => s.key.startsWith('cron-'))
        .map((s) => [
          s.key,
          { pattern: s.pattern ?? undefined, tz: s.tz ?? undefined, next: s.next ?? undefined },
        ]),
    );
  }

  /**
   * Reconciles Redis with `active`; `existing` is `current()` when the caller already read it.
   * Returns the job schedulers it upserted.
   */
  async sync(active: CronTrigger[], existing?: Map<string, RedisSchedule>): Promise<Upserted[]> {
    const inRedis = existing ?? (await this.current());
    const wanted = new Set<string>();
    const upserted: Upserted[] = [];
    for (const t of active) {
      const key = schedulerIdOf(t.id);
      wanted.add(key);
      const have = inRedis.get(key);
      if (have && have.pattern === t.schedule && have.tz === t.timezone) continue;
      upserted.push({ trigger: t, firstMillis: await this.upsert(t) });
    }
    for (const key of inRedis.keys()) {
      if (!wanted.has(key)) await this.remove(key);
    }
    return upserted;
  }

  /** Returns the BullMQ time of the first tick job, made from this process's own clock. */
  async upsert(t: CronTrigger): Promise<number | undefined> {
    const job = await this.queue.upsertJobScheduler(
      schedulerIdOf(t.id),
      { pattern: t.schedule, tz: t.timezone },
      {
        name: 'tick',
        data: { triggerId: t.id },
        opts: { removeOnComplete: true, removeOnFail: { age: 24 * 3600, count: 1000 } },
      },
    );
    this.log.debug(`job scheduler for trigger ${t.id}: "${t.schedule}" ${t.timezone}`);
    return job?.opts.prevMillis;
  }

  async remove(key: string): Promise<void> {
    await this.queue.removeJobScheduler(key);
    this.log.debug(`job scheduler ${key} removed`);
  }
}

/** A tick job of this scheduler is due (or overdue) and will reach a worker. */
export function hasPendingTick(s: RedisSchedule | undefined, t: CronTrigger): boolean {
  return !!s && s.pattern === t.schedule && s.tz === t.timezone && s.next !== undefined;
}
