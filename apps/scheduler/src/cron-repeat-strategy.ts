import { RepeatOptions } from 'bullmq';
import { nextTick } from './next-tick';

/**
 * BullMQ's repeat strategy, with our cron semantics (libs/domain `nextRun`, through `nextTick`:
 * macros, 5/6 fields, the DST rules) instead of BullMQ's own cron-parser copy, so the scheduler and
 * the API's `nextRunAt` always agree. BullMQ times are shifted `leadMs` early (see SchedulerOptions.leadMs):
 * the job for tick S is due at S − lead, and the next one is the first tick after `millis + lead`.
 */
export function cronRepeatStrategy(leadMs: number) {
  return (millis: number, opts: RepeatOptions): number | undefined => {
    if (!opts.pattern) return undefined;
    const next = nextTick(opts.pattern, opts.tz ?? 'UTC', new Date(millis + leadMs));
    return next ? next.getTime() - leadMs : undefined;
  };
}

/** The scheduled time of a tick job made by a job scheduler with this strategy. */
export function tickTimeOfJob(prevMillis: number, leadMs: number): Date {
  return new Date(prevMillis + leadMs);
}

/**
 * The tick of the job BullMQ made to follow one with BullMQ time `prevMillis`, taken when this
 * process's own clock read `takenAtLocal`: BullMQ asks the strategy from the later of the two (and
 * from its own `Date.now()`, never the shared clock). Read a little after BullMQ did, `takenAtLocal`
 * can only put the successor later, never earlier; a tick fired twice is then found taken.
 */
export function successorTickOf(
  prevMillis: number,
  takenAtLocal: number,
  opts: RepeatOptions,
  leadMs: number,
): Date | undefined {
  const millis = Math.max(prevMillis, takenAtLocal);
  const next = cronRepeatStrategy(leadMs)(millis, opts);
  return next === undefined ? undefined : tickTimeOfJob(Math.max(next, millis), leadMs);
}
