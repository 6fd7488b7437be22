import Redis from 'ioredis';

/**
 * One catch-up decision per trigger and missed window. The window is named by its baseline (the
 * last tick done before the outage), which every scheduler process reads alike from rm_triggers,
 * so the start-up check of one process and the overdue tick job taken by another cannot both
 * fire a late tick. The deterministic execution id still guards each single tick.
 */
export class CatchUpClaims {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  async claim(triggerId: string, baseline: Date): Promise<boolean> {
    const key = `${this.prefix}:runlet-catch-up:${triggerId}:${baseline.getTime()}`;
    return (await this.redis.set(key, String(process.pid), 'PX', 24 * 3600_000, 'NX')) === 'OK';
  }
}
