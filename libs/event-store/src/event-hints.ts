import Redis from 'ioredis';

const CHANNEL = 'runlet:events:appended';

/**
 * Redis pub/sub hint that new events were committed. Subscribers use it only to wake up
 * early; they always read the events themselves, so a lost hint costs latency, not data.
 */
export class EventHints {
  private publisher?: Redis;
  private subscriber?: Redis;
  private readonly listeners = new Set<(position: number) => void>();

  constructor(private readonly redisUrl: string) {}

  publish(position: number): void {
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
    await Promise.all(
      [this.publisher?.quit(), this.subscriber?.quit()].map((p) => p?.catch(() => undefined)),
    );
  }
}
