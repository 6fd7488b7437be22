import { Job, Worker } from 'bullmq';
import { queueOptions } from '@runlet/platform';
import { NotificationJobData, NOTIFICATIONS_QUEUE } from './failure-notifications.process-manager';

const DELIVERY_TIMEOUT_MS = 10_000;

/** POSTs failure notifications; a network error or a non-2xx answer is retried with backoff. */
export class NotificationWorker {
  private worker?: Worker<NotificationJobData>;

  constructor(
    private readonly redisUrl: string,
    private readonly databaseUrl: string,
  ) {}

  start(): void {
    this.worker = new Worker<NotificationJobData>(NOTIFICATIONS_QUEUE, (job) => this.deliver(job), {
      ...queueOptions(this.redisUrl, this.databaseUrl),
      concurrency: 8,
    });
    this.worker.on('error', (err) => console.error('[notifications]', err.message));
  }

  async stop(): Promise<void> {
    await this.worker?.close();
  }

  private async deliver(job: Job<NotificationJobData>): Promise<void> {
    const res = await fetch(job.data.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'runlet-notifications' },
      body: JSON.stringify({ ...job.data.payload, delivery: job.attemptsMade + 1 }),
      signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS),
    });
    if (!res.ok) throw new Error(`${job.data.url} answered ${res.status}`);
  }
}
