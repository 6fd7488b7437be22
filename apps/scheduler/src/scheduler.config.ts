/** BullMQ queue whose job schedulers produce one `tick` job per cron trigger and scheduled time. */
export const CRON_TICKS_QUEUE = 'cron-ticks';

export const schedulerIdOf = (triggerId: string) => `cron-${triggerId}`;

export interface SchedulerOptions {
  /**
   * BullMQ releases a tick job this long before its scheduled time; the worker sleeps the rest on
   * a Node timer, and the ticks due at one instant share that timer. Redis wakes a blocked worker
   * only at its `hz` resolution (100 ms at the default hz 10), and BullMQ hands jobs out one Lua
   * call at a time (2,000 triggers due on the same minute take about a second to be handed out):
   * the lead must cover both, or the last jobs arrive after their tick and fire late.
   */
  leadMs: number;
  /** A tick handled more than this after its scheduled time is late: the catch-up policy decides. */
  lateAfterMs: number;
  /** Full reconciliation of the trigger cache and the BullMQ job schedulers. */
  resyncMs: number;
  /**
   * The lock a scheduler holds on a tick job (renewed every half of it), and how often each checks
   * for jobs whose holder died. The lead and the firing take about a second.
   */
  tickLockMs: number;
  /**
   * Tick jobs in flight per process; they mostly sleep through their lead, so this is cheap. It must
   * exceed the triggers due at one instant (plus every-second ones, a lead's worth each), or the
   * rest wait for the first to finish and fire late.
   */
  concurrency: number;
  /**
   * Redis key prefix of the queue (BullMQ's `prefix`). Installs (or test databases) that share
   * one Redis get their own, or each one's sync would remove the others' job schedulers.
   */
  prefix: string;
}

export const DEFAULT_SCHEDULER_OPTIONS: SchedulerOptions = {
  leadMs: 3000,
  lateAfterMs: 2000,
  resyncMs: 10_000,
  tickLockMs: 5_000,
  concurrency: 10_000,
  prefix: 'bull',
};

export const SCHEDULER_ACTOR = 'system:scheduler';
