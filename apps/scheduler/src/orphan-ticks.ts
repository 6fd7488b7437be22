import { nextTick } from './next-tick';

export interface TakenTickJob {
  schedule: string;
  timezone: string;
  /** The job's own tick. */
  scheduledAt: Date;
  /** When a worker took it, by the shared clock. */
  takenAt: number;
  /** The tick of the job BullMQ made to follow it (`successorTickOf`); undefined when there is none. */
  successor: Date | undefined;
  /** A tick handled more than this after its time is late (SchedulerOptions.lateAfterMs). */
  lateAfterMs: number;
}

/**
 * The ticks between a taken job's own and its successor's, which no job brings, so the job's handler
 * fires them on time. BullMQ makes the successor from the taking worker's own clock: a job taken late,
 * or by a worker whose clock runs ahead (it takes each job the moment it exists), is followed by a
 * job for a later tick than the next one. For a late job, the ticks up to `takenAt` are the missed
 * window the catch-up policy decides on; only the later ones are returned.
 */
export function orphanTicks(job: TakenTickJob): Date[] {
  const late = job.takenAt - job.scheduledAt.getTime() > job.lateAfterMs;
  const after = late ? new Date(job.takenAt) : job.scheduledAt;
  return ticksBetween(job.schedule, job.timezone, after, job.successor);
}

/**
 * The ticks strictly after `after` and strictly before `before`. Also those an upserted job scheduler
 * leaves out: its first job is the first tick after the upserting process's own clock plus the lead.
 */
export function ticksBetween(
  schedule: string,
  timezone: string,
  after: Date,
  before: Date | undefined,
): Date[] {
  const ticks: Date[] = [];
  if (!before) return ticks;
  for (let tick = nextTick(schedule, timezone, after); tick && tick < before;) {
    ticks.push(tick);
    tick = nextTick(schedule, timezone, tick);
  }
  return ticks;
}
