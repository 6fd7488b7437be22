import { nextRun, nextRuns, previousRun } from './schedule';

/**
 * The DST policy, stated as properties: the sequence of ticks is one fixed list, and nextRun /
 * previousRun answer from that list whenever they are asked. Issue #17: asked from 03:10 EDT on
 * 2026-03-08, `30 2 * * *` in New York skipped the 03:30 EDT run it gives when asked from 01:00 EST.
 */
const MIN = 60_000;
const HOUR = 60 * MIN;

interface Transition {
  zone: string;
  /** The first instant of the new offset. */
  at: string;
  kind: 'spring-forward' | 'fall-back';
  /** A daily schedule whose wall time is skipped or repeated that day, and its one run. */
  daily: string;
  dailyRun: string;
}

const TRANSITIONS: Transition[] = [
  // 02:00 EST → 03:00 EDT: 02:30 does not exist, runs at 03:30 EDT.
  {
    zone: 'America/New_York',
    at: '2026-03-08T07:00:00Z',
    kind: 'spring-forward',
    daily: '30 2 * * *',
    dailyRun: '2026-03-08T07:30:00.000Z',
  },
  // 02:00 EDT → 01:00 EST: 01:30 happens twice, runs at the first (01:30 EDT).
  {
    zone: 'America/New_York',
    at: '2026-11-01T06:00:00Z',
    kind: 'fall-back',
    daily: '30 1 * * *',
    dailyRun: '2026-11-01T05:30:00.000Z',
  },
  // 02:00 CET → 03:00 CEST.
  {
    zone: 'Europe/Paris',
    at: '2026-03-29T01:00:00Z',
    kind: 'spring-forward',
    daily: '30 2 * * *',
    dailyRun: '2026-03-29T01:30:00.000Z',
  },
  // 03:00 CEST → 02:00 CET: 02:30 CEST first.
  {
    zone: 'Europe/Paris',
    at: '2026-10-25T01:00:00Z',
    kind: 'fall-back',
    daily: '30 2 * * *',
    dailyRun: '2026-10-25T00:30:00.000Z',
  },
  // 02:00 AEST → 03:00 AEDT (southern spring).
  {
    zone: 'Australia/Sydney',
    at: '2026-10-03T16:00:00Z',
    kind: 'spring-forward',
    daily: '30 2 * * *',
    dailyRun: '2026-10-03T16:30:00.000Z',
  },
  // 03:00 AEDT → 02:00 AEST: 02:30 AEDT first.
  {
    zone: 'Australia/Sydney',
    at: '2026-04-04T16:00:00Z',
    kind: 'fall-back',
    daily: '30 2 * * *',
    dailyRun: '2026-04-04T15:30:00.000Z',
  },
];

/** The reference list: ticks iterated from a day before the change, over two days. */
function referenceTicks(expr: string, zone: string, change: number, count: number): number[] {
  return nextRuns(expr, zone, new Date(change - 24 * HOUR), count).map((d) => d.getTime());
}

/**
 * Instants every 10 minutes from 2 h before to 4 h after the change, and 1 ms either side of the
 * ticks in that span (about 20 of them, evenly spread, so an every-minute schedule stays quick).
 */
function askInstants(change: number, ticks: number[]): number[] {
  const from = change - 2 * HOUR;
  const to = change + 4 * HOUR;
  const at: number[] = [];
  for (let t = from; t <= to; t += 10 * MIN) at.push(t);
  const near = ticks.filter((tick) => tick >= from && tick <= to);
  const step = Math.ceil(near.length / 20);
  near.forEach((tick, i) => i % step === 0 && at.push(tick - 1, tick, tick + 1));
  return at;
}

describe.each(TRANSITIONS)('$zone $kind at $at', (tr) => {
  const change = Date.parse(tr.at);

  it(`runs ${tr.daily} once that day, at the documented instant`, () => {
    const ticks = referenceTicks(tr.daily, tr.zone, change, 3);
    const sameDay = ticks.filter((t) => Math.abs(t - change) < 12 * HOUR);
    expect(sameDay.map((t) => new Date(t).toISOString())).toEqual([tr.dailyRun]);
    // One a day on each side: the days before and after keep their own run.
    expect(ticks).toHaveLength(3);
    expect(ticks[2] - ticks[0]).toBeGreaterThanOrEqual(47 * HOUR);
  });

  it('gives every hourly and every-minute instant once: none lost, none doubled', () => {
    // All three zones have whole-hour offsets, so `0 * * * *` is every UTC hour and `* * * * *`
    // every UTC minute, straight through the change (the repeated hour runs again, the skipped one has none).
    const start = change - 24 * HOUR;
    const hourly = referenceTicks('0 * * * *', tr.zone, change, 48);
    expect(hourly).toEqual(Array.from({ length: 48 }, (_, i) => start + (i + 1) * HOUR));
    const fromMinute = change - 3 * HOUR;
    const minutely = nextRuns('* * * * *', tr.zone, new Date(fromMinute), 6 * 60).map((d) => d.getTime());
    expect(minutely).toEqual(Array.from({ length: 6 * 60 }, (_, i) => fromMinute + (i + 1) * MIN));
  });

  it.each([tr.daily, '0 * * * *', '* * * * *', '*/20 1-3 * * *', '30 2,3 * * *', '0 30 2 * * *'])(
    'nextRun and previousRun of %p answer from the same list wherever they are asked from',
    (expr) => {
      // From two days before, so even a daily schedule has a tick before the first instant asked;
      // an every-minute one from 3 hours before (enough ticks, and each costs a library step).
      const minutely = expr.startsWith('* ');
      const from = new Date(change - (minutely ? 3 : 48) * HOUR);
      const ticks = nextRuns(expr, tr.zone, from, minutely ? 500 : 80).map((d) => d.getTime());
      for (const at of askInstants(change, ticks)) {
        const next = ticks.find((t) => t > at);
        const prev = [...ticks].reverse().find((t) => t <= at);
        // The asked instant is in the compared value so a failure names it.
        const asked = new Date(at);
        const got = {
          at: asked.toISOString(),
          next: nextRun(expr, tr.zone, asked),
          prev: previousRun(expr, tr.zone, asked),
        };
        const want = { at: asked.toISOString(), next: next && new Date(next), prev: prev && new Date(prev) };
        expect(got).toEqual(want);
      }
    },
  );
});

describe('issue #17: New York, 2026-03-08, 30 2 * * *', () => {
  it.each([
    '2026-03-08T06:00:00Z',
    '2026-03-08T07:00:00Z',
    '2026-03-08T07:10:00Z',
    '2026-03-08T07:29:59.999Z',
  ])('asked at %s, the next run is 03:30 EDT', (after) => {
    expect(nextRun('30 2 * * *', 'America/New_York', new Date(after))?.toISOString()).toBe(
      '2026-03-08T07:30:00.000Z',
    );
  });

  it('previousRun from 03:45 EDT is 03:30 EDT, not the day before', () => {
    expect(
      previousRun('30 2 * * *', 'America/New_York', new Date('2026-03-08T07:45:00Z'))?.toISOString(),
    ).toBe('2026-03-08T07:30:00.000Z');
  });
});
