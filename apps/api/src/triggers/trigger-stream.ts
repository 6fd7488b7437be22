import { TriggerCommand, triggerAggregate, triggerStreamId } from '@runlet/domain';
import { AggregateRepository, EventMetadata } from '@runlet/event-store';
import { ProjectionRunnerService } from '@runlet/platform';
import { WebhookTriggerCache } from '../webhooks/webhook-trigger-cache';

/** The parts every trigger command handler has (its constructor's public fields). */
export interface TriggerStreamDeps {
  repo: AggregateRepository;
  projections: ProjectionRunnerService;
  cache: WebhookTriggerCache;
}

/**
 * What every trigger command handler does: decide and append on the trigger's stream, wait until
 * the read models show it (read-your-writes), and drop this process's cached webhook copy.
 */
export async function executeOnTrigger(
  deps: TriggerStreamDeps,
  triggerId: string,
  command: TriggerCommand,
  metadata: EventMetadata,
): Promise<void> {
  const result = await deps.repo.execute(triggerStreamId(triggerId), triggerAggregate, command, metadata);
  if (result.events.length) await deps.projections.waitFor(result.position);
  deps.cache.forget(triggerId);
}
