import { TickClock } from './tick-clock';

describe('TickClock', () => {
  it('wakes ticks due at the same time together, with one wake-up time', async () => {
    const clock = new TickClock();
    const at = new Date(Date.now() + 30);
    const [a, b] = await Promise.all([clock.until(at), clock.until(new Date(at.getTime()))]);
    expect(a).toBe(b);
    expect(a.getTime()).toBeGreaterThanOrEqual(at.getTime());
  });

  it('resolves at once for a time that has passed', async () => {
    const woke = await new TickClock().until(new Date(Date.now() - 1000));
    expect(Date.now() - woke.getTime()).toBeLessThan(50);
  });
});
