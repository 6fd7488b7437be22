import { nextRun, nextRuns, previousRun, validateSchedule } from './schedule';

const iso = (dates: Date[]) => dates.map((d) => d.toISOString());
const NY = 'America/New_York';

describe('validateSchedule', () => {
  it.each([
    '* * * * *',
    '*/5 * * * *',
    '0 9 * * mon-fri',
    '0 0 1 jan *',
    '0 0 L * *',
    '0 0 * * 5#3',
    '30 2 * * *',
    '* * * * * *',
    '*/10 0 9 * * 1-5',
    '@daily',
    '@Hourly',
    '  0   9 * * *  ',
  ])('accepts %p', (expr) => {
    expect(validateSchedule(expr)).toEqual({ ok: true });
  });

  it.each([
    ['61 * * * *', 'invalid cron expression "61 * * * *": minute field value 61 is out of range 0-59'],
    ['0 24 * * *', 'invalid cron expression "0 24 * * *": hour field value 24 is out of range 0-23'],
    ['0 0 32 * *', 'day-of-month field value 32 is out of range 1-31'],
    ['0 0 1 13 *', 'month field value 13 is out of range 1-12'],
    ['0 0 * * 8', 'day-of-week field value 8 is out of range 0-7'],
    ['60 * * * * *', 'second field value 60 is out of range 0-59'],
    ['0,99 * * * *', 'minute field value 99 is out of range 0-59'],
    ['a * * * *', 'minute field value "a" is not valid'],
    ['*/0 * * * *', 'minute field value "*/0": the step must be at least 1'],
    ['5-1 * * * *', 'minute field value "5-1": range 5-1 runs backwards'],
    ['H * * * *', 'minute field value "H": hashed (H) values are not supported'],
    ['* * * *', 'expected 5 fields (minute hour day-of-month month day-of-week) or 6 fields'],
    ['* * * *', 'got 4'],
    ['* * * * * * *', 'got 7'],
    ['', 'invalid cron expression "": expected 5 fields'],
    ['@reboot', 'invalid cron expression "@reboot": unknown macro @reboot'],
    ['0 0 30 2 *', 'the day-of-month "30" never occurs in month "2"'],
  ])('rejects %p naming the problem', (expr, message) => {
    const result = validateSchedule(expr);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.message).toContain(message);
    expect(!result.ok && result.message).toContain(`"${expr}"`);
  });

  it('rejects an unknown time zone', () => {
    expect(validateSchedule('* * * * *', 'Mars/Olympus')).toEqual({
      ok: false,
      message: 'unknown time zone "Mars/Olympus"',
    });
    expect(validateSchedule('* * * * *', '')).toEqual({ ok: false, message: 'unknown time zone ""' });
  });

  it('accepts IANA zones, case-insensitively', () => {
    expect(validateSchedule('0 9 * * *', NY)).toEqual({ ok: true });
    expect(validateSchedule('0 9 * * *', 'asia/kathmandu')).toEqual({ ok: true });
    expect(validateSchedule('0 9 * * *', 'Etc/GMT+5')).toEqual({ ok: true });
  });
});

describe('nextRuns', () => {
  it('returns runs strictly after `after`', () => {
    const after = new Date('2026-01-01T10:00:00Z');
    expect(iso(nextRuns('0 * * * *', 'UTC', after, 2))).toEqual([
      '2026-01-01T11:00:00.000Z',
      '2026-01-01T12:00:00.000Z',
    ]);
    expect(iso(nextRuns('0 * * * *', 'UTC', new Date('2026-01-01T10:59:59.999Z'), 1))).toEqual([
      '2026-01-01T11:00:00.000Z',
    ]);
  });

  it('runs every second with a 6-field expression', () => {
    expect(iso(nextRuns('* * * * * *', 'UTC', new Date('2026-01-01T00:00:00.500Z'), 3))).toEqual([
      '2026-01-01T00:00:01.000Z',
      '2026-01-01T00:00:02.000Z',
      '2026-01-01T00:00:03.000Z',
    ]);
    expect(nextRuns('* * * * * *', 'UTC', new Date('2026-01-01T00:00:00Z'), 3600)).toHaveLength(3600);
  });

  it('treats a 5-field expression as minute precision', () => {
    expect(iso(nextRuns('*/30 * * * *', 'UTC', new Date('2026-01-01T00:00:10Z'), 2))).toEqual([
      '2026-01-01T00:30:00.000Z',
      '2026-01-01T01:00:00.000Z',
    ]);
  });

  it('returns nothing for count 0 and throws a ValidationError for an invalid schedule', () => {
    expect(nextRuns('* * * * *', 'UTC', new Date(), 0)).toEqual([]);
    expect(() => nextRuns('61 * * * *', 'UTC', new Date(), 1)).toThrow(/minute field value 61/);
    expect(() => nextRuns('* * * * *', 'Mars/Olympus', new Date(), 1)).toThrow(
      'unknown time zone "Mars/Olympus"',
    );
  });

  it('uses the zone for non-whole-hour offsets', () => {
    // Kathmandu is UTC+05:45.
    expect(nextRun('0 9 * * *', 'Asia/Kathmandu', new Date('2026-01-01T00:00:00Z'))?.toISOString()).toBe(
      '2026-01-01T03:15:00.000Z',
    );
  });

  describe('America/New_York across spring-forward (2026-03-08, 02:00 EST → 03:00 EDT)', () => {
    it('keeps 09:00 local on both sides: 14:00Z in EST, 13:00Z in EDT', () => {
      expect(iso(nextRuns('0 9 * * *', NY, new Date('2026-03-06T12:00:00Z'), 4))).toEqual([
        '2026-03-06T14:00:00.000Z',
        '2026-03-07T14:00:00.000Z',
        '2026-03-08T13:00:00.000Z',
        '2026-03-09T13:00:00.000Z',
      ]);
    });

    it('runs the non-existent 02:30 once, at 03:30 EDT', () => {
      expect(iso(nextRuns('30 2 * * *', NY, new Date('2026-03-07T00:00:00Z'), 3))).toEqual([
        '2026-03-07T07:30:00.000Z', // 02:30 EST
        '2026-03-08T07:30:00.000Z', // 03:30 EDT: 02:30 did not exist
        '2026-03-09T06:30:00.000Z', // 02:30 EDT
      ]);
    });

    it('never runs twice when the skipped and the next hour both match', () => {
      const runs = iso(nextRuns('30 2,3 * * *', NY, new Date('2026-03-08T05:00:00Z'), 3));
      expect(runs).toEqual([
        '2026-03-08T07:30:00.000Z',
        '2026-03-09T06:30:00.000Z',
        '2026-03-09T07:30:00.000Z',
      ]);
    });

    it('keeps hourly runs hourly', () => {
      expect(iso(nextRuns('0 * * * *', NY, new Date('2026-03-08T05:30:00Z'), 3))).toEqual([
        '2026-03-08T06:00:00.000Z', // 01:00 EST
        '2026-03-08T07:00:00.000Z', // 03:00 EDT
        '2026-03-08T08:00:00.000Z', // 04:00 EDT
      ]);
    });
  });

  describe('America/New_York across fall-back (2026-11-01, 02:00 EDT → 01:00 EST)', () => {
    it('keeps 09:00 local on both sides: 13:00Z in EDT, 14:00Z in EST', () => {
      expect(iso(nextRuns('0 9 * * *', NY, new Date('2026-10-30T12:00:00Z'), 4))).toEqual([
        '2026-10-30T13:00:00.000Z',
        '2026-10-31T13:00:00.000Z',
        '2026-11-01T14:00:00.000Z',
        '2026-11-02T14:00:00.000Z',
      ]);
    });

    it('runs 01:30 exactly once on the day it happens twice (the EDT pass)', () => {
      const runs = iso(nextRuns('30 1 * * *', NY, new Date('2026-10-31T12:00:00Z'), 3));
      expect(runs).toEqual([
        '2026-11-01T05:30:00.000Z', // 01:30 EDT
        '2026-11-02T06:30:00.000Z', // 01:30 EST, next day
        '2026-11-03T06:30:00.000Z',
      ]);
    });

    it('does not run the repeated 01:30 even when asked from inside the repeated hour', () => {
      // 06:00Z is 01:00 EST: 01:30 EDT has passed, 01:30 EST is ahead but is the same wall time.
      for (const after of ['2026-11-01T05:30:00Z', '2026-11-01T05:45:00Z', '2026-11-01T06:00:00Z']) {
        expect(nextRun('30 1 * * *', NY, new Date(after))?.toISOString()).toBe('2026-11-02T06:30:00.000Z');
      }
      expect(nextRun('0 30 1 * * *', NY, new Date('2026-11-01T06:10:00Z'))?.toISOString()).toBe(
        '2026-11-02T06:30:00.000Z',
      );
    });

    it('keeps intervals even when the hour is a wildcard (the repeated hour runs again)', () => {
      expect(iso(nextRuns('*/30 * * * *', NY, new Date('2026-11-01T04:50:00Z'), 6))).toEqual([
        '2026-11-01T05:00:00.000Z', // 01:00 EDT
        '2026-11-01T05:30:00.000Z', // 01:30 EDT
        '2026-11-01T06:00:00.000Z', // 01:00 EST
        '2026-11-01T06:30:00.000Z', // 01:30 EST
        '2026-11-01T07:00:00.000Z', // 02:00 EST
        '2026-11-01T07:30:00.000Z',
      ]);
    });

    it('produces strictly increasing, unique runs through the whole transition', () => {
      for (const expr of ['* * * * *', '*/7 1-2 * * *', '0 */2 * * *', '15 0-3 * * *']) {
        const runs = nextRuns(expr, NY, new Date('2026-11-01T03:00:00Z'), 200).map((d) => d.getTime());
        for (let i = 1; i < runs.length; i++) expect(runs[i]).toBeGreaterThan(runs[i - 1]);
      }
    });
  });
});

describe('previousRun', () => {
  it('includes a run exactly at the given instant', () => {
    expect(previousRun('0 * * * *', 'UTC', new Date('2026-01-01T10:00:00Z'))?.toISOString()).toBe(
      '2026-01-01T10:00:00.000Z',
    );
    expect(previousRun('0 * * * *', 'UTC', new Date('2026-01-01T10:59:59Z'))?.toISOString()).toBe(
      '2026-01-01T10:00:00.000Z',
    );
  });

  it('skips the repeated fall-back pass of a fixed-hour schedule', () => {
    expect(previousRun('30 1 * * *', NY, new Date('2026-11-01T07:00:00Z'))?.toISOString()).toBe(
      '2026-11-01T05:30:00.000Z',
    );
  });
});
