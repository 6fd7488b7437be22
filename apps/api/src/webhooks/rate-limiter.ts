import type Redis from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';

/**
 * A trigger's webhook rate limit, shared by every api process through Redis
 * (`rate-limiter-flexible`): `ratePerSecond` calls per key in each one-second window, counted in
 * one Redis round trip (an atomic increment with its expiry). While Redis is not ready the calls
 * are counted per process in memory instead, so an outage neither lets calls through unlimited
 * nor refuses them all. Keys expire with their window, so nothing grows with the number of triggers.
 */
export class RateLimiter {
  private readonly limiter: RateLimiterRedis;

  constructor(redis: Redis, ratePerSecond: number, keyPrefix: string) {
    this.limiter = new RateLimiterRedis({
      storeClient: redis,
      points: ratePerSecond,
      duration: 1,
      keyPrefix,
      rejectIfRedisNotReady: true,
      insuranceLimiter: new RateLimiterMemory({ points: ratePerSecond, duration: 1 }),
    });
  }

  /** 0 when the call is allowed, else the whole seconds to wait (Retry-After). */
  async take(key: string): Promise<number> {
    try {
      await this.limiter.consume(key);
      return 0;
    } catch (refused) {
      if (refused instanceof RateLimiterRes) return Math.max(1, Math.ceil(refused.msBeforeNext / 1000));
      throw refused;
    }
  }
}
