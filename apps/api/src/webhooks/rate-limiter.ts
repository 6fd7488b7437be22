/**
 * A token bucket per key, in process memory: `ratePerSecond` sustained with bursts up to one
 * second's worth. Returns 0 when allowed, else the seconds to wait.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(private readonly ratePerSecond: number) {}

  take(key: string, now = Date.now()): number {
    const bucket = this.buckets.get(key) ?? { tokens: this.ratePerSecond, at: now };
    bucket.tokens = Math.min(
      this.ratePerSecond,
      bucket.tokens + ((now - bucket.at) / 1000) * this.ratePerSecond,
    );
    bucket.at = now;
    if (this.buckets.size > 100_000) this.buckets.clear();
    this.buckets.set(key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.ceil((1 - bucket.tokens) / this.ratePerSecond);
  }
}
