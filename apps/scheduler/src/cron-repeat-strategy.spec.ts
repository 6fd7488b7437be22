import { cronRepeatStrategy, tickTimeOfJob } from './cron-repeat-strategy';

describe('cronRepeatStrategy (BullMQ times shifted by the lead)', () => {
  const lead = 500;
  const next = cronRepeatStrategy(lead);
  const t = (iso: string) => Date.parse(iso);

  it('schedules the job for tick S at S − lead and maps it back', () => {
    const millis = next(t('2026-01-01T00:00:00.200Z'), { pattern: '* * * * * *', tz: 'UTC' })!;
    expect(millis).toBe(t('2026-01-01T00:00:01.000Z') - lead);
    expect(tickTimeOfJob(millis, lead).toISOString()).toBe('2026-01-01T00:00:01.000Z');
  });

  it('taken on time (after S − lead), the successor is the following tick, not S again', () => {
    const takenAt = t('2026-01-01T00:00:00.550Z'); // job for 00:00:01 taken 50 ms after its BullMQ time
    expect(next(takenAt, { pattern: '* * * * * *', tz: 'UTC' })).toBe(t('2026-01-01T00:00:02.000Z') - lead);
  });

  it('uses the domain cron semantics (macros, 5 fields, time zones)', () => {
    const from = t('2026-03-08T06:00:00.000Z'); // 01:00 EST
    expect(next(from, { pattern: '30 2 * * *', tz: 'America/New_York' })).toBe(
      t('2026-03-08T07:30:00.000Z') - lead,
    );
    expect(next(from, { pattern: '@hourly', tz: 'UTC' })).toBe(t('2026-03-08T07:00:00.000Z') - lead);
  });
});
