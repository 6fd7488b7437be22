import { Queue } from 'bullmq';
import { fromStored } from '@runlet/contracts';
import { EventType } from '@runlet/domain';
import { EventStore, StoredEvent, SubscriptionHandler } from '@runlet/event-store';
import { ScriptsQuery, TriggersQuery } from '@runlet/read-models';

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
  readonly eventTypes = [EventType.ExecutionFailed, EventType.ExecutionTimedOut];

  constructor(
    private readonly triggers: TriggersQuery,
    private readonly scripts: ScriptsQuery,
    private readonly store: EventStore,
    private readonly queue: Queue<NotificationJobData>,
  ) {}

  async handle(events: StoredEvent[]): Promise<void> {
    for (const event of events) {
      if (event.type === EventType.ExecutionFailed && event.data.willRetry) continue;
      const [queued] = await this.store.readAll({
        streamId: event.streamId,
        types: [EventType.ExecutionQueued],
        limit: 1,
      });
      if (!queued) continue;
      const triggerId: string | undefined = queued.data.trigger?.id;
      const url = await this.notifyUrlOf(triggerId, queued.data.scriptId, queued.data.version);
      if (!url) continue;
      const payload = {
        event: event.type === EventType.ExecutionTimedOut ? 'execution.timed_out' : 'execution.failed',
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
    const ofTrigger = triggerId ? await this.triggers.notifyUrl(triggerId) : null;
    if (ofTrigger) return ofTrigger;
    return scriptId ? this.scripts.versionNotifyUrl(scriptId, version) : null;
  }
}
