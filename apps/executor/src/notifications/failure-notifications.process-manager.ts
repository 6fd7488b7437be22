import { Queue } from 'bullmq';
import { fromStored } from '@runlet/contracts';
import { Database, EventStore, StoredEvent, SubscriptionHandler } from '@runlet/event-store';

export const NOTIFICATIONS_QUEUE = 'notifications';

export interface NotificationJobData {
  url: string;
  payload: Record<string, unknown>;
}

/**
 * When an execution fails for good or times out and its trigger (else its script version) names
 * a `notifyUrl`, queue one delivery of the execution to it. The job id is the event id: a redelivered event sends nothing twice.
 */
export class FailureNotificationsProcessManager implements SubscriptionHandler {
  readonly name = 'process-manager:failure-notifications';
  readonly eventTypes = ['ExecutionFailed', 'ExecutionTimedOut'];

  constructor(
    private readonly db: Database,
    private readonly store: EventStore,
    private readonly queue: Queue<NotificationJobData>,
  ) {}

  async handle(events: StoredEvent[]): Promise<void> {
    for (const event of events) {
      if (event.type === 'ExecutionFailed' && event.data.willRetry) continue;
      const [queued] = await this.store.readAll({
        streamId: event.streamId,
        types: ['ExecutionQueued'],
        limit: 1,
      });
      if (!queued) continue;
      const triggerId: string | undefined = queued.data.trigger?.id;
      const url = await this.notifyUrlOf(triggerId, queued.data.scriptId, queued.data.version);
      if (!url) continue;
      const payload = {
        event: event.type === 'ExecutionTimedOut' ? 'execution.timed_out' : 'execution.failed',
        executionId: event.data.executionId,
        scriptId: event.data.scriptId,
        triggerId: triggerId ?? null,
        attempt: event.data.attempt,
        error: fromStored(event.data.error), // the events hold it in stored form
        at: event.recordedAt,
      };
      await this.queue.add(
        'notify',
        { url, payload },
        {
          jobId: event.eventId,
          attempts: 5,
          backoff: { type: 'exponential', delay: 1000 },
          removeOnComplete: { age: 24 * 3600 },
          removeOnFail: { age: 7 * 24 * 3600 },
        },
      );
    }
  }

  /** The trigger's notifyUrl, else the script version's (a try-out has neither). */
  private async notifyUrlOf(
    triggerId: string | undefined,
    scriptId: string | null,
    version: number,
  ): Promise<string | null> {
    if (triggerId) {
      const [trigger] = await this.db.query(`SELECT notify_url FROM rm_triggers WHERE id = $1`, [triggerId]);
      if (trigger?.notify_url) return trigger.notify_url;
    }
    if (!scriptId) return null;
    const [saved] = await this.db.query(
      `SELECT notify_url FROM rm_script_versions WHERE script_id = $1 AND version = $2`,
      [scriptId, version],
    );
    return saved?.notify_url ?? null;
  }
}
