import { nextRun, previousRun } from '@runlet/domain';
import { isTick, nextTick } from './next-tick';

describe('nextTick (nextRun remembered per schedule)', () => {
  const schedules: [string, string][] = [
    ['* * * * * *', 'UTC'],
    ['*/7 * * * * *', 'UTC'],
    ['30 2 * * *', 'America/New_York'], // the DST rules: a skipped and a repeated 02:30
    ['0 1 * * *', 'Europe/Berlin'],
    ['@hourly', 'UTC'],
  ];
  // Times going forward and back, near the March and November changes of 2026.
  const times = [
    ...Array.from({ length: 80 }, (_, i) => Date.parse('2026-03-08T06:00:00Z') + i * 73_411),
    ...Array.from({ length: 80 }, (_, i) => Date.parse('2026-11-01T07:00:00Z') - i * 97_003),
    ...Array.from({ length: 60 }, (_, i) => Date.parse('2026-01-01T00:00:00Z') + ((i * 7919) % 5000)),
  ];

  it.each(schedules)('answers as nextRun does for %s (%s), in any order of asking', (schedule, tz) => {
    for (const ms of times) {
      expect(nextTick(schedule, tz, new Date(ms))?.toISOString()).toBe(
        nextRun(schedule, tz, new Date(ms))?.toISOString(),
      );
    }
  });

  it.each(schedules)('tells a tick of %s (%s) from another time as previousRun does', (schedule, tz) => {
    for (const ms of times) {
      const at = new Date(Math.floor(ms / 1000) * 1000);
      expect(isTick(schedule, tz, at)).toBe(previousRun(schedule, tz, at)?.getTime() === at.getTime());
    }
  });
});
