import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { ConflictError, NotFoundError } from '@runlet/domain';
import { ExecutionRequests } from '@runlet/executions';
import { ScriptsQuery, TriggersQuery } from '@runlet/read-models';
import { RunTriggerCommand } from './run-trigger.command';

/** Queues through ExecutionRequests, which owns every write to an execution stream. */
@CommandHandler(RunTriggerCommand)
export class RunTriggerHandler implements ICommandHandler<RunTriggerCommand> {
  constructor(
    private readonly triggers: TriggersQuery,
    private readonly scripts: ScriptsQuery,
    private readonly requests: ExecutionRequests,
  ) {}

  async execute({ triggerId, input, metadata }: RunTriggerCommand): Promise<{ executionId: string }> {
    const trigger = await this.triggers.byId(triggerId);
    if (!trigger) throw new NotFoundError(`trigger ${triggerId} not found`);
    const script = await this.scripts.summary(trigger.scriptId);
    if (!script?.deployedVersion)
      throw new ConflictError(`script ${trigger.scriptId} has no successfully built version yet`);
    const { executionId } = await this.requests.queueExecution(
      {
        scriptId: trigger.scriptId,
        version: script.deployedVersion,
        trigger: { type: 'manual', id: triggerId },
        input: input ?? trigger.input ?? null,
        fired: { triggerId, source: 'manual', firedAt: new Date().toISOString() },
      },
      metadata,
    );
    return { executionId };
  }
}
