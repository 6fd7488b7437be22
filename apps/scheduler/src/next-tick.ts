import { nextRun } from '@runlet/domain';

/** Recent answers per schedule: the first tick after `from` is `next`, so it is for every time in [from, next). */
const recent = new Map<string, { from: number; next: number }[]>();
/** A job asks about its own tick and the one after (two intervals); a few more for late jobs. */
const PER_SCHEDULE = 4;
const MAX_SCHEDULES = 10_000;

/**
 * `nextRun`, remembered per schedule and time zone. A tick job asks it several times (the repeat
 * strategy, the job's own tick, its successor, the ticks in between) and every trigger on the same
 * schedule asks it for the same instant, at ~0.5 ms a cron computation: 2,000 triggers due in one
 * minute would otherwise spend seconds of the lead on it. Any time zone: nextRun's answer does not
 * depend on where it is asked from, across daylight-saving changes too (schedule-dst.spec.ts).
 */
export function nextTick(schedule: string, timezone: string, after: Date): Date | undefined {
  const key = `${timezone} ${schedule}`;
  const at = after.getTime();
  let known = recent.get(key);
  const hit = known?.find((k) => at >= k.from && at < k.next);
  if (hit) return new Date(hit.next);
  const next = nextRun(schedule, timezone, after);
  if (!next) return next;
  if (!known) {
    if (recent.size >= MAX_SCHEDULES) recent.clear();
    recent.set(key, (known = []));
  }
  if (known.unshift({ from: at, next: next.getTime() }) > PER_SCHEDULE) known.pop();
  return next;
}

/** Whether `at` is one of the schedule's ticks. */
export function isTick(schedule: string, timezone: string, at: Date): boolean {
  return nextTick(schedule, timezone, new Date(at.getTime() - 1))?.getTime() === at.getTime();
}
