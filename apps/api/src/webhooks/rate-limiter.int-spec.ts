import Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
import { REDIS_URL } from '@runlet/testing';
import { RateLimiter } from './rate-limiter';

describe('RateLimiter (real Redis)', () => {
  const clients: Redis[] = [];
  /** A limiter on a connection of its own, once it is ready (before, calls are counted in memory). */
  const limiter = async (rate: number, prefix: string, windowMs?: number) => {
    const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
    clients.push(redis);
    await new Promise((resolve) => redis.once('ready', resolve));
    return new RateLimiter(redis, rate, prefix, windowMs);
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

  it('grants a busy window from reservations: exactly the rate, in far fewer round trips than calls', async () => {
    const prefix = `test:rate:${randomUUID()}`;
    // A minute's window: 1,200 calls on a loaded machine may take longer than a second.
    const l = await limiter(1000, prefix, 60_000);
    const redis = clients[clients.length - 1];
    const sent: string[] = [];
    const send = redis.sendCommand.bind(redis);
    redis.sendCommand = ((command: any, ...rest: any[]) => {
      sent.push(command.name);
      return send(command, ...rest);
    }) as typeof redis.sendCommand;
    // All at once, as concurrent requests come: the window is never overdrawn.
    const waits = await Promise.all(Array.from({ length: 1200 }, () => l.take('busy')));
    expect(waits.filter((w) => w === 0)).toHaveLength(1000);
    expect(waits.filter((w) => w > 0)).toHaveLength(200); // refused, told to wait out the window
    expect(sent.length).toBeLessThan(40);
    // What Redis holds is what was reserved: the whole window, and no more.
    expect(Number(await redis.get(`${prefix}:busy`))).toBeGreaterThanOrEqual(1000);
  });

  it('two processes sharing a busy trigger never get more than the rate between them', async () => {
    const prefix = `test:rate:${randomUUID()}`;
    const [one, two] = [await limiter(100, prefix, 60_000), await limiter(100, prefix, 60_000)];
    const waits = await Promise.all(
      Array.from({ length: 300 }, (_, i) => (i % 2 ? one : two).take('shared')),
    );
    const allowed = waits.filter((w) => w === 0).length;
    expect(allowed).toBeLessThanOrEqual(100);
    expect(allowed).toBeGreaterThanOrEqual(100 - 2 * (100 / 20)); // at most one reservation each unused
  });

  it('a new window grants again once the last one has ended', async () => {
    const l = await limiter(2, `test:rate:${randomUUID()}`);
    expect([await l.take('w'), await l.take('w'), await l.take('w')]).toEqual([0, 0, 1]);
    await new Promise((r) => setTimeout(r, 1100));
    expect(await l.take('w')).toBe(0);
  });
});
