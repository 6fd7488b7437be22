import { cronRepeatStrategy, successorTickOf, tickTimeOfJob } from './cron-repeat-strategy';
import { orphanTicks, ticksBetween } from './orphan-ticks';

/**
 * The chain of tick jobs BullMQ makes for one every-second trigger: the process upserting the job
 * scheduler gets the first job from its own Date.now(), and when a worker takes a job BullMQ asks the
 * repeat strategy for the successor from max(the job's time, the worker's own Date.now()). Each test
 * lets one process upsert and take every job, and checks the ticks it fires from the upsert on.
 */
function firedSeconds(opts: { skewMs: number; takeDelayMs: number; jobs: number }): number[] {
  const lead = 500;
  const lateAfterMs = 2000;
  const repeat = { pattern: '* * * * * *', tz: 'UTC' };
  const strategy = cronRepeatStrategy(lead);
  const start = Date.parse('2026-01-01T00:00:00.300Z'); // the upsert, by the shared clock
  let jobMillis = strategy(start + opts.skewMs, repeat)!;
  let shared = start; // the shared clock when the previous job was taken
  const fired = ticksBetween(repeat.pattern, repeat.tz, new Date(start), tickTimeOfJob(jobMillis, lead)).map(
    (t) => t.getTime(),
  );
  for (let i = 0; i < opts.jobs; i++) {
    // The worker promotes a delayed job when its own clock reaches the job's time.
    const takenAt = Math.max(shared, jobMillis - opts.skewMs) + opts.takeDelayMs;
    const takenAtLocal = takenAt + opts.skewMs;
    const scheduledAt = tickTimeOfJob(jobMillis, lead);
    if (takenAt - scheduledAt.getTime() > lateAfterMs) throw new Error('taken late: not this test');
    // What BullMQ 6 (JobScheduler.upsertJobScheduler) makes, and what the handler, a few ms later, reckons it made.
    const bullmqNext = strategy(Math.max(jobMillis, takenAtLocal), repeat)!;
    const successor = successorTickOf(jobMillis, takenAtLocal + 3, repeat, lead)!;
    fired.push(scheduledAt.getTime());
    for (const t of orphanTicks({
      schedule: repeat.pattern,
      timezone: repeat.tz,
      scheduledAt,
      takenAt,
      successor,
      lateAfterMs,
    }))
      fired.push(t.getTime());
    jobMillis = bullmqNext;
    shared = takenAt;
  }
  return fired.map((ms) => (ms - Date.parse('2026-01-01T00:00:00.000Z')) / 1000);
}

const everySecond = (s: number[]) => Array.from({ length: s.length }, (_, i) => s[0] + i);

describe('tick jobs and the ticks between a job and its successor (BullMQ job scheduler chain)', () => {
  it('a worker on the shared time, taking each job when due: every second once', () => {
    const seconds = firedSeconds({ skewMs: 0, takeDelayMs: 5, jobs: 12 });
    expect(seconds).toEqual(everySecond(seconds));
    expect(seconds[0]).toBe(1);
  });

  it('a worker whose clock runs 2 s ahead takes each job as soon as it exists: every second still fires once', () => {
    const seconds = firedSeconds({ skewMs: 2000, takeDelayMs: 5, jobs: 12 });
    expect(seconds).toEqual(everySecond(seconds));
    expect(seconds[0]).toBe(1); // the first second after the upsert, though its first job is for 3
  });

  it('a worker whose clock runs 2 s behind (jobs taken late, within the late limit): every second once', () => {
    const seconds = firedSeconds({ skewMs: -1400, takeDelayMs: 5, jobs: 12 });
    expect(seconds).toEqual(everySecond(seconds));
  });

  it.each([1200, 1600])(
    'a worker that takes each job %i ms after it is due (a busy event loop): every second once',
    (takeDelayMs) => {
      const seconds = firedSeconds({ skewMs: 0, takeDelayMs, jobs: 12 });
      expect(seconds).toEqual(everySecond(seconds));
    },
  );
});
