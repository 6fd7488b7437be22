import { RepeatOptions } from 'bullmq';
import { nextRun } from '@runlet/domain';

/**
 * BullMQ's repeat strategy, with our cron semantics (libs/domain `nextRun`: macros, 5/6 fields,
 * the DST rules) instead of BullMQ's own cron-parser copy, so the scheduler and the API's
 * `nextRunAt` always agree. BullMQ times are shifted `leadMs` early (see SchedulerOptions.leadMs):
 * the job for tick S is due at S − lead, and the next one is the first tick after `millis + lead`.
 */
export function cronRepeatStrategy(leadMs: number) {
  return (millis: number, opts: RepeatOptions): number | undefined => {
    if (!opts.pattern) return undefined;
    const next = nextRun(opts.pattern, opts.tz ?? 'UTC', new Date(millis + leadMs));
    return next ? next.getTime() - leadMs : undefined;
  };
}

/** The scheduled time of a tick job made by a job scheduler with this strategy. */
export function tickTimeOfJob(prevMillis: number, leadMs: number): Date {
  return new Date(prevMillis + leadMs);
}
