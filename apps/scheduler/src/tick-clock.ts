/**
 * Sleeps until a tick's time. Ticks due at the same millisecond share one timer and one wake-up
 * time, so the hundredth trigger of a busy second is not stamped later than the first merely
 * because the others' firing work ran before it.
 */
export class TickClock {
  private readonly waiting = new Map<number, Promise<Date>>();

  /** Resolves at `at` (at once when it has passed) with the moment of waking. */
  until(at: Date): Promise<Date> {
    const ms = at.getTime();
    if (ms <= Date.now()) return Promise.resolve(new Date());
    let wake = this.waiting.get(ms);
    if (!wake) {
      wake = new Promise<Date>((resolve) =>
        setTimeout(() => {
          this.waiting.delete(ms);
          resolve(new Date());
        }, ms - Date.now()),
      );
      this.waiting.set(ms, wake);
    }
    return wake;
  }
}
