import Redis from 'ioredis';

const CHANNEL = 'runlet:events:appended';
/** After a hint, further commits within this window share one trailing hint. */
const QUIET_MS = 5;

/**
 * Redis pub/sub hint that new events were committed. Subscribers use it only to wake up
 * early; they always read the events themselves, so a lost hint costs latency, not data.
 */
export class EventHints {
  private publisher?: Redis;
  private subscriber?: Redis;
  private readonly listeners = new Set<(position: number) => void>();
  private quiet?: NodeJS.Timeout;
  private pending = 0;

  constructor(private readonly redisUrl: string) {}

  /**
   * The first commit is announced at once; commits in the next few milliseconds (an execution
   * makes two or three) share one trailing hint with the highest position, since every subscriber in
   * every process wakes on each hint.
   */
  publish(position: number): void {
    if (this.quiet) {
      this.pending = Math.max(this.pending, position);
      return;
    }
    this.send(position);
    this.quiet = setTimeout(() => {
      this.quiet = undefined;
      const pending = this.pending;
      this.pending = 0;
      if (pending > 0) this.publish(pending);
    }, QUIET_MS);
    this.quiet.unref();
  }

  private send(position: number): void {
    this.publisher ??= new Redis(this.redisUrl, { lazyConnect: false, maxRetriesPerRequest: 1 });
    this.publisher.publish(CHANNEL, String(position)).catch(() => undefined);
  }

  onAppended(listener: (position: number) => void): () => void {
    if (!this.subscriber) {
      this.subscriber = new Redis(this.redisUrl, { maxRetriesPerRequest: null });
      this.subscriber.subscribe(CHANNEL).catch(() => undefined);
      this.subscriber.on('message', (_channel, message) => {
        const position = Number(message);
        for (const l of this.listeners) l(position);
      });
    }
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    clearTimeout(this.quiet);
    if (this.pending > 0) this.send(this.pending);
    await Promise.all(
      [this.publisher?.quit(), this.subscriber?.quit()].map((p) => p?.catch(() => undefined)),
    );
  }
}
