import Redis from 'ioredis';
import { EXECUTION_CANCEL_CHANNEL } from './execution-queue';

/** Cancel requests reach whichever executor runs the execution, over Redis pub/sub. */
export class Cancellations {
  private subscriber?: Redis;
  private readonly running = new Map<string, AbortController>();

  constructor(private readonly redisUrl: string) {}

  async start(): Promise<void> {
    this.subscriber = new Redis(this.redisUrl, { maxRetriesPerRequest: null });
    this.subscriber.on('message', (_c, executionId) => this.running.get(executionId)?.abort());
    await this.subscriber.subscribe(EXECUTION_CANCEL_CHANNEL);
  }

  track(executionId: string): AbortController {
    const controller = new AbortController();
    this.running.set(executionId, controller);
    return controller;
  }

  untrack(executionId: string): void {
    this.running.delete(executionId);
  }

  static request(publisher: Redis, executionId: string): Promise<number> {
    return publisher.publish(EXECUTION_CANCEL_CHANNEL, executionId);
  }

  async close(): Promise<void> {
    await this.subscriber?.quit().catch(() => undefined);
  }
}
