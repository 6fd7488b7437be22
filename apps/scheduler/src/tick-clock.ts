/**
 * Sleeps until a tick's time. Ticks due at the same millisecond share one timer and one wake-up
 * time, so the hundredth trigger of a busy second is not stamped later than the first merely
 * because the others' firing work ran before it.
 */
export class TickClock {
  private readonly waiting = new Map<number, Promise<Date>>();

  /** `now`: the shared time (SharedClock), not necessarily this process's own clock. */
  constructor(private readonly now: () => number = Date.now) {}

  /** Resolves at `at` (at once when it has passed) with the moment of waking. */
  until(at: Date): Promise<Date> {
    const ms = at.getTime();
    if (ms <= this.now()) return Promise.resolve(new Date(this.now()));
    let wake = this.waiting.get(ms);
    if (!wake) {
      wake = new Promise<Date>((resolve) =>
        setTimeout(() => {
          this.waiting.delete(ms);
          resolve(new Date(Math.max(ms, this.now())));
        }, ms - this.now()),
      );
      this.waiting.set(ms, wake);
    }
    return wake;
  }
}
