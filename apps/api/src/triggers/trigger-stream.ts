import { TriggerCommand, triggerAggregate, triggerStreamId } from '@runlet/domain';
import { AggregateRepository, EventMetadata } from '@runlet/event-store';
import { ProjectionRunnerService } from '@runlet/platform';
import { TriggerSecretVault } from '@runlet/read-models';
import { WebhookTriggerCache } from '../webhooks/webhook-trigger-cache';

/** The parts every trigger command handler has (its constructor's public fields). */
export interface TriggerStreamDeps {
  repo: AggregateRepository;
  projections: ProjectionRunnerService;
  cache: WebhookTriggerCache;
  /** Given by handlers whose commands may retire secrets or delete the trigger: their boxes are removed. */
  vault?: TriggerSecretVault;
}

/**
 * What every trigger command handler does: decide and append on the trigger's stream, wait until
 * the read models show it (read-your-writes), drop this process's cached webhook copy, and remove
 * the boxes of retired secrets.
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
  if (deps.vault) {
    // After the event: should this fail, the box stays, unreferenced, rather than the secret being lost.
    if (result.events.some((e) => e.type === 'TriggerDeleted')) await deps.vault.remove(triggerId);
    const retired = result.events
      .filter((e) => e.type === 'TriggerSecretRetired')
      .map((e) => e.data.secretId);
    await deps.vault.remove(triggerId, retired);
  }
}
