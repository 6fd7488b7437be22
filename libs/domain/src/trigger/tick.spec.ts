import { missedTicks, tickKey } from './tick';

const at = (s: string) => new Date(s);

describe('tickKey', () => {
  it('is deterministic per trigger and tick, and differs otherwise', () => {
    const t = at('2026-01-01T09:00:00Z');
    expect(tickKey('trg1', t)).toBe(tickKey('trg1', new Date(t)));
    expect(tickKey('trg1', t)).not.toBe(tickKey('trg2', t));
    expect(tickKey('trg1', t)).not.toBe(tickKey('trg1', at('2026-01-01T09:00:01Z')));
    expect(tickKey('trg1', t)).not.toContain(':');
  });
});

describe('missedTicks', () => {
  const last = at('2026-01-01T09:00:00Z');

  it('latest: only the most recent missed tick, marked late', () => {
    expect(missedTicks('*/5 * * * *', 'UTC', last, at('2026-01-01T09:17:00Z'), 'latest')).toEqual([
      { scheduledAt: at('2026-01-01T09:15:00Z'), late: true },
    ]);
  });

  it('none: nothing', () => {
    expect(missedTicks('*/5 * * * *', 'UTC', last, at('2026-01-01T09:17:00Z'), 'none')).toEqual([]);
  });

  it('nothing when no tick was missed', () => {
    expect(missedTicks('*/5 * * * *', 'UTC', last, at('2026-01-01T09:04:59Z'), 'latest')).toEqual([]);
    expect(missedTicks('*/5 * * * *', 'UTC', last, last, 'latest')).toEqual([]);
  });

  it('includes a tick exactly at now', () => {
    expect(missedTicks('*/5 * * * *', 'UTC', last, at('2026-01-01T09:05:00Z'), 'latest')).toEqual([
      { scheduledAt: at('2026-01-01T09:05:00Z'), late: true },
    ]);
  });

  it('looks only at the latest tick, so an every-second schedule after ten years down still answers', () => {
    // Walking every missed tick (3×10⁸ of them) would not return within the test's timeout.
    expect(missedTicks('* * * * * *', 'UTC', last, at('2036-01-08T09:00:00.400Z'), 'latest')).toEqual([
      { scheduledAt: at('2036-01-08T09:00:00Z'), late: true },
    ]);
  });

  it('does not offer the repeated fall-back pass of a tick that already ran', () => {
    const ny = 'America/New_York';
    expect(
      missedTicks('30 1 * * *', ny, at('2026-11-01T05:30:00Z'), at('2026-11-01T07:00:00Z'), 'latest'),
    ).toEqual([]);
  });
});
