import { Queue } from 'bullmq';
import { buildStreamId, decideBuild, EventType, ScriptVersionSaved } from '@runlet/domain';
import { ConcurrencyError, EventStore, StoredEvent, SubscriptionHandler } from '@runlet/event-store';
import { buildIdFor } from './build-id';
import { BUILD_JOB_OPTIONS, BuildJobData } from './build-queue';

/**
 * ScriptVersionSaved → BuildRequested on `build-<id>` → a `builds` job with the same id.
 * Both steps are idempotent, so a batch that is redelivered (the checkpoint did not commit)
 * neither requests nor queues a second build.
 */
export class BuildRequestsProcessManager implements SubscriptionHandler {
  readonly name = 'process-manager:build-requests';
  readonly eventTypes = [EventType.ScriptVersionSaved];

  constructor(
    private readonly store: EventStore,
    private readonly queue: Queue<BuildJobData>,
  ) {}

  async handle(events: StoredEvent[]): Promise<void> {
    for (const event of events) await this.request(event as StoredEvent<ScriptVersionSaved['data']>);
  }

  private async request(saved: StoredEvent<ScriptVersionSaved['data']>): Promise<void> {
    const buildId = buildIdFor(saved.eventId);
    const { scriptId, version, upgrade } = saved.data;
    const requested = decideBuild({ type: 'RequestBuild', buildId, scriptId, version, upgrade }, undefined);
    try {
      await this.store.append({
        streamId: buildStreamId(buildId),
        expectedVersion: 0,
        events: requested,
        metadata: {
          actor: 'system:builder',
          correlationId: saved.metadata.correlationId,
          causationId: saved.eventId,
        },
      });
    } catch (err) {
      // Already requested by an earlier delivery: the job may still be missing, so queue it anyway.
      if (!(err instanceof ConcurrencyError)) throw err;
    }
    await this.queue.add('build', { buildId }, { ...BUILD_JOB_OPTIONS, jobId: buildId });
  }
}
