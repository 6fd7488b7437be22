import Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
import { REDIS_URL } from '@runlet/testing';
import { RateLimiter } from './rate-limiter';

describe('RateLimiter (real Redis)', () => {
  const clients: Redis[] = [];
  /** A limiter on a connection of its own, once it is ready (before, calls are counted in memory). */
  const limiter = async (rate: number, prefix: string) => {
    const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
    clients.push(redis);
    await new Promise((resolve) => redis.once('ready', resolve));
    return new RateLimiter(redis, rate, prefix);
  };
  afterAll(() => clients.forEach((c) => c.disconnect()));

  it('allows the rate per second per key, then asks to wait whole seconds', async () => {
    const prefix = `test:rate:${randomUUID()}`;
    const l = await limiter(3, prefix);
    expect([await l.take('a'), await l.take('a'), await l.take('a')]).toEqual([0, 0, 0]);
    expect(await l.take('a')).toBe(1);
    expect(await l.take('b')).toBe(0); // per key
  });

  it('while Redis is unreachable, counts per process instead of failing the call', async () => {
    const down = new Redis('redis://127.0.0.1:1', { maxRetriesPerRequest: null, lazyConnect: true });
    clients.push(down);
    const l = new RateLimiter(down, 1, `test:rate:${randomUUID()}`);
    expect([await l.take('k'), await l.take('k')]).toEqual([0, 1]);
  });

  it('is one limit for every process: two limiters on their own connections share it', async () => {
    const prefix = `test:rate:${randomUUID()}`;
    const [one, two] = [await limiter(2, prefix), await limiter(2, prefix)];
    expect([await one.take('t'), await two.take('t')]).toEqual([0, 0]);
    expect([await one.take('t'), await two.take('t')]).toEqual([1, 1]);
    // Another installation (prefix) on the same Redis counts apart.
    expect(await (await limiter(2, `test:rate:${randomUUID()}`)).take('t')).toBe(0);
  });
});
