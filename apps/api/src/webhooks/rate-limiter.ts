import type Redis from 'ioredis';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';

/**
 * Takes `ARGV[1]` points of the window `KEYS[1]` (a one-second window starts with its first take
 * and expires with it). Returns the points taken so far, this take included, and the window's ms left.
 */
const RESERVE = `
local taken = redis.call('INCRBY', KEYS[1], ARGV[1])
if taken == tonumber(ARGV[1]) then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
local left = redis.call('PTTL', KEYS[1])
if left < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[2]); left = tonumber(ARGV[2]) end
return { taken, left }`;

const WINDOW_MS = 1000;
/** A reservation holds at most this share of the rate, so processes sharing a trigger waste little of it. */
const MAX_SHARE = 20;

type RedisWithReserve = Redis & {
  runletRateReserve(key: string, points: number, windowMs: number): Promise<[number, number]>;
};

/** What this process holds of a key's current window. */
interface Held {
  /** Reserved in Redis and not used yet. */
  points: number;
  /** When the window ends (this process's clock). */
  until: number;
  /** The window is used up: every call is refused until `until`, without asking Redis. */
  full: boolean;
  /** The size of the next reservation (doubles while the window keeps asking, see `reserve`). */
  next: number;
  /** A reservation in flight: later calls wait for it instead of sending their own. */
  pending?: Promise<void>;
}

/**
 * A trigger's webhook rate limit, shared by every api process through Redis: `ratePerSecond`
 * calls per key in each one-second window. A process reserves points of the window in Redis
 * (one atomic increment) and grants calls from them locally: 1, 2, 4… points at a time while the
 * window keeps asking, up to a twentieth of the rate, so a busy trigger costs a few round trips
 * per second rather than one per call, and a calm one is counted call by call. Redis never grants
 * more than the rate; points a process reserved but did not use before the window ends are lost
 * (at most a twentieth of the rate per process per window). A used-up window is refused locally
 * until it ends. While Redis is not ready the calls are counted per process in memory instead, so
 * an outage neither lets calls through unlimited nor refuses them all. Keys expire with their
 * window, so nothing grows with the number of triggers.
 */
export class RateLimiter {
  private readonly held = new Map<string, Held>();
  private readonly maxReservation: number;
  private readonly insurance: RateLimiterMemory;
  private readonly redis: RedisWithReserve;

  /**
   * `ratePerSecond` calls per window of `windowMs` (one second; the tests take a longer window so
   * that a slow machine cannot end a window in the middle of a burst).
   */
  constructor(
    redis: Redis,
    private readonly ratePerSecond: number,
    private readonly keyPrefix: string,
    private readonly windowMs = WINDOW_MS,
  ) {
    if (!('runletRateReserve' in redis))
      redis.defineCommand('runletRateReserve', { numberOfKeys: 1, lua: RESERVE });
    this.redis = redis as RedisWithReserve;
    this.maxReservation = Math.max(1, Math.floor(ratePerSecond / MAX_SHARE));
    this.insurance = new RateLimiterMemory({ points: ratePerSecond, duration: windowMs / 1000 });
  }

  /** 0 when the call is allowed, else the whole seconds to wait (Retry-After). */
  async take(key: string): Promise<number> {
    for (;;) {
      const now = Date.now();
      let held = this.held.get(key);
      if (held && now >= held.until && !held.pending) {
        this.held.delete(key);
        held = undefined;
      }
      if (held?.pending) {
        await held.pending.catch(() => undefined); // its own caller falls back to memory; this one asks again
        continue;
      }
      if (held && held.points > 0) {
        held.points--;
        return 0;
      }
      if (held?.full) return Math.max(1, Math.ceil((held.until - now) / 1000));
      if (this.redis.status !== 'ready') return this.takeInMemory(key);
      const state = held ?? { points: 0, until: 0, full: false, next: 1 };
      this.held.set(key, state);
      try {
        await (state.pending = this.reserve(key, state));
      } catch {
        this.held.delete(key);
        return this.takeInMemory(key);
      } finally {
        state.pending = undefined;
      }
    }
  }

  /** Reserves the next points of the key's window in Redis. */
  private async reserve(key: string, state: Held): Promise<void> {
    const asked = state.next;
    const [taken, leftMs] = await this.redis.runletRateReserve(
      `${this.keyPrefix}:${key}`,
      asked,
      this.windowMs,
    );
    const granted = Math.max(0, Math.min(asked, this.ratePerSecond - (taken - asked)));
    state.points += granted;
    state.until = Date.now() + Number(leftMs);
    state.full = taken >= this.ratePerSecond;
    state.next = Math.min(asked * 2, this.maxReservation);
    if (this.held.size > 10_000) this.forgetEnded();
  }

  private async takeInMemory(key: string): Promise<number> {
    try {
      await this.insurance.consume(key);
      return 0;
    } catch (refused) {
      if (refused instanceof RateLimiterRes) return Math.max(1, Math.ceil(refused.msBeforeNext / 1000));
      throw refused;
    }
  }

  /** Drops the windows that have ended (many triggers called once each). */
  private forgetEnded(): void {
    const now = Date.now();
    for (const [key, held] of this.held) if (now >= held.until && !held.pending) this.held.delete(key);
  }
}
