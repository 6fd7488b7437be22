import { apiKeyAggregate, apiKeyStreamId, ApiKeyCommand } from '@runlet/domain';
import { AggregateRepository, EventMetadata } from '@runlet/event-store';
import { ProjectionRunnerService } from '@runlet/platform';

/** Decides and appends on the key's stream, then waits until the read models show it (the guard reads them). */
export async function executeOnApiKey(
  repo: AggregateRepository,
  projections: ProjectionRunnerService,
  keyId: string,
  command: ApiKeyCommand,
  metadata: EventMetadata,
): Promise<void> {
  const result = await repo.execute(apiKeyStreamId(keyId), apiKeyAggregate, command, metadata);
  await projections.waitFor(result.position);
}
