import { Logger } from '@nestjs/common';
import { missedTicks, nextRun } from '@runlet/domain';
import { CatchUpClaims } from './catch-up-claims';
import { orphanTicks, ticksBetween } from './orphan-ticks';
import { cronFireDelay, recordTick } from './scheduler-metrics';
import { CronTrigger, CronTriggerCache, isActive } from './cron-trigger-cache';
import { successorTickOf, tickTimeOfJob } from './cron-repeat-strategy';
import { isTick } from './next-tick';
import { SchedulerOptions } from './scheduler.config';
import { TickClock } from './tick-clock';
import { TickContext, TickFirer } from './tick-firer';

/**
 * Handles one tick job of a trigger. The job arrives `leadMs` before its scheduled time S:
 * - on time (handled at most `lateAfterMs` after S): read what firing needs, sleep until S, fire S;
 * - late (the scheduler was down or stalled): the catch-up policy decides, once per missed window:
 *   `latest` fires the most recent missed tick with `late: true`, `none` fires nothing (logged).
 * BullMQ schedules a job's successor from the moment it was taken, by the taking process's own
 * clock, so a job taken late or by a process whose clock runs ahead leaves ticks before its successor
 * without a job: those "orphans" are fired here too, on time (`orphanTicks`).
 * A job taken again (its first taker died holding it, and BullMQ's stall check handed it back) brings
 * a tick nobody may have fired: it is fired itself, late if it is late, unless `catchUp` is `none`.
 */
export class TickHandler {
  private readonly log = new Logger('scheduler');
  private readonly clock: TickClock;

  constructor(
    private readonly triggers: CronTriggerCache,
    private readonly firer: TickFirer,
    private readonly claims: CatchUpClaims,
    private readonly options: SchedulerOptions,
    private readonly now: () => number = Date.now,
  ) {
    this.clock = new TickClock(now);
  }

  /**
   * `job`: its BullMQ time, this process's own clock when the worker took it, and whether it had been
   * taken before (`redelivered`).
   */
  async handle(
    triggerId: string,
    job: { prevMillis: number; takenAtLocal: number; redelivered?: boolean },
  ): Promise<void> {
    const takenAt = this.now();
    const scheduledAt = tickTimeOfJob(job.prevMillis, this.options.leadMs);
    let trigger = this.triggers.get(triggerId);
    if (!trigger) {
      await this.triggers.reload([triggerId]); // created a moment ago by another process
      trigger = this.triggers.get(triggerId);
    }
    if (!trigger || !isActive(trigger)) return;
    // A job left over from before a schedule edit (taken before the upsert replaced it).
    if (!isTick(trigger.schedule, trigger.timezone, scheduledAt)) return;

    const ctx = await this.firer.context(trigger);
    if (job.redelivered) return this.handleHeldTick(trigger, scheduledAt, takenAt, ctx);
    const { schedule, timezone } = trigger;
    const { lateAfterMs, leadMs } = this.options;
    const successor = successorTickOf(
      job.prevMillis,
      job.takenAtLocal,
      { pattern: schedule, tz: timezone },
      leadMs,
    );
    const orphans = orphanTicks({ schedule, timezone, scheduledAt, takenAt, successor, lateAfterMs });
    if (takenAt - scheduledAt.getTime() <= lateAfterMs) {
      await this.fireAt(trigger, scheduledAt, ctx);
    } else {
      await this.catchUp(trigger, new Date(takenAt), ctx);
    }
    for (const orphan of orphans) await this.fireAt(trigger, orphan, ctx);
  }

  /**
   * A tick whose first taker died holding it. Its successor was made then, by that process's clock, so
   * no orphans can be worked out here; the tick itself fires once (the execution id refuses a second
   * firing if the dead process got that far). Late, it is one missed tick for the catch-up policy.
   */
  private async handleHeldTick(
    trigger: CronTrigger,
    scheduledAt: Date,
    takenAt: number,
    ctx: TickContext,
  ): Promise<void> {
    if (takenAt - scheduledAt.getTime() <= this.options.lateAfterMs)
      return this.fireAt(trigger, scheduledAt, ctx);
    if (trigger.catchUp === 'none') {
      recordTick('not-caught-up', true);
      this.log.warn(
        `trigger ${trigger.id}: tick ${scheduledAt.toISOString()} was held by a scheduler that stopped; not fired (catchUp: none)`,
      );
      return;
    }
    this.log.warn(
      `trigger ${trigger.id}: tick ${scheduledAt.toISOString()} was held by a scheduler that stopped; firing it as late`,
    );
    await this.fire(trigger, scheduledAt, true, ctx);
  }

  /** Fires on time the ticks strictly between `after` and `before` (those an upsert left without a job). */
  async fireBetween(trigger: CronTrigger, after: Date, before: Date): Promise<void> {
    const ticks = ticksBetween(trigger.schedule, trigger.timezone, after, before);
    if (ticks.length === 0) return;
    const ctx = await this.firer.context(trigger);
    for (const tick of ticks) await this.fireAt(trigger, tick, ctx);
  }

  /**
   * Applies the catch-up policy to the ticks missed since the trigger's baseline. Called for a late
   * tick job, and at start-up for triggers whose job scheduler has no pending tick to do it.
   */
  async catchUp(trigger: CronTrigger, now: Date, ctx?: TickContext): Promise<void> {
    const first = nextRun(trigger.schedule, trigger.timezone, trigger.baseline);
    if (!first || first.getTime() > now.getTime()) return;
    if (!(await this.claims.claim(trigger.id, trigger.baseline))) return;
    const [tick] = missedTicks(trigger.schedule, trigger.timezone, trigger.baseline, now, trigger.catchUp);
    if (!tick) {
      recordTick('not-caught-up', true);
      this.log.warn(
        `trigger ${trigger.id}: ticks missed since ${trigger.baseline.toISOString()} are not fired (catchUp: none)`,
      );
      return;
    }
    this.log.warn(
      `trigger ${trigger.id}: ticks missed since ${trigger.baseline.toISOString()}; ` +
        `firing the latest, ${tick.scheduledAt.toISOString()}, as late (catchUp: latest)`,
    );
    await this.fire(trigger, tick.scheduledAt, true, ctx ?? (await this.firer.context(trigger)));
  }

  private async fireAt(trigger: CronTrigger, scheduledAt: Date, ctx: TickContext): Promise<void> {
    const firedAt = await this.clock.until(scheduledAt);
    // Paused, deleted or given another schedule during the wait (up to the lead): the sync
    // updates the cached row in place.
    const current = this.triggers.get(trigger.id) ?? trigger;
    if (!isActive(current)) return;
    const rescheduled = current.schedule !== trigger.schedule || current.timezone !== trigger.timezone;
    if (rescheduled && !isTick(current.schedule, current.timezone, scheduledAt)) return;
    await this.fire(current, scheduledAt, false, ctx, firedAt);
  }

  private async fire(
    trigger: CronTrigger,
    scheduledAt: Date,
    late: boolean,
    ctx: TickContext,
    firedAt = new Date(this.now()),
  ): Promise<void> {
    const outcome = await this.firer.fire(trigger, scheduledAt, late, ctx, firedAt);
    recordTick(outcome, late);
    if (!late) cronFireDelay.observe(Math.max(0, firedAt.getTime() - scheduledAt.getTime()) / 1000);
    if (outcome !== 'not-deployed') this.triggers.markFired(trigger.id, scheduledAt);
  }
}
