import { TickClock } from './tick-clock';

describe('TickClock', () => {
  it('wakes ticks due at the same time together, with one wake-up time', async () => {
    const clock = new TickClock();
    const at = new Date(Date.now() + 30);
    const [a, b] = await Promise.all([clock.until(at), clock.until(new Date(at.getTime()))]);
    expect(a).toBe(b);
    expect(a.getTime()).toBeGreaterThanOrEqual(at.getTime());
  });

  it('resolves at once, without a timer, for a time that has passed', async () => {
    const asked = Date.now();
    const nextTurn = new Promise<'timer'>((r) => setImmediate(() => r('timer')));
    const woke = await Promise.race([new TickClock().until(new Date(asked - 1000)), nextTurn]);
    expect(woke).toBeInstanceOf(Date);
    expect((woke as Date).getTime()).toBeGreaterThanOrEqual(asked);
  });
});

describe('TickClock on a shared time', () => {
  it('sleeps by the shared time, not by this process’s clock (here 2 s behind it)', async () => {
    const shared = () => Date.now() + 2000;
    const woke = await new TickClock(shared).until(new Date(Date.now() + 1000));
    expect(woke.getTime()).toBeGreaterThanOrEqual(Date.now() + 1000); // due already by the shared time: at once
  });
});
