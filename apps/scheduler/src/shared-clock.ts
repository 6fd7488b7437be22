import type Redis from 'ioredis';

/**
 * The time every scheduler process agrees on: Redis's clock (`TIME`), as this process's clock
 * plus a measured offset. A scheduler whose own clock is off would otherwise fire ticks early
 * (ahead) or take on-time ticks for late ones and leave them to the catch-up policy (missed).
 */
export class SharedClock {
  private offsetMs = 0;

  constructor(private readonly redis: Pick<Redis, 'time'>) {}

  /** Measures the offset again, counting half the round trip; keeps the last one when Redis fails. */
  async sync(): Promise<void> {
    const before = Date.now();
    const [seconds, micros] = await this.redis.time();
    const after = Date.now();
    this.offsetMs = Number(seconds) * 1000 + Math.floor(Number(micros) / 1000) - (before + after) / 2;
  }

  now(): number {
    return Date.now() + this.offsetMs;
  }
}
