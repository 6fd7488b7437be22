import { scriptAggregate, ScriptCommand, scriptStreamId, ScriptState } from '@runlet/domain';
import { AggregateRepository, CommandResult, EventMetadata } from '@runlet/event-store';
import { ProjectionRunnerService } from '@runlet/platform';

/**
 * What every script command handler does: decide and append on the script's stream, then wait
 * until the read models show the change (read-your-writes).
 */
export async function executeOnScript(
  repo: AggregateRepository,
  projections: ProjectionRunnerService,
  scriptId: string,
  command: ScriptCommand,
  metadata: EventMetadata,
): Promise<CommandResult<ScriptState>> {
  const result = await repo.execute(scriptStreamId(scriptId), scriptAggregate, command, metadata);
  if (result.events.length) await projections.waitFor(result.position);
  return result;
}
