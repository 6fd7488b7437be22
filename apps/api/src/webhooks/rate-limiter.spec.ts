import { RateLimiter } from './rate-limiter';

describe('RateLimiter', () => {
  it('allows the rate per second, then asks to wait, then refills', () => {
    const limiter = new RateLimiter(3);
    const t = 1_000_000;
    expect([limiter.take('a', t), limiter.take('a', t), limiter.take('a', t)]).toEqual([0, 0, 0]);
    expect(limiter.take('a', t)).toBe(1);
    expect(limiter.take('b', t)).toBe(0); // per key
    expect(limiter.take('a', t + 400)).toBe(0); // 1.2 tokens refilled
  });
});
