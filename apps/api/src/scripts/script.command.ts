import { CommandHandler, ICommand, ICommandHandler } from '@nestjs/cqrs';
import { decideScript, evolveScript, ScriptCommand, scriptStreamId, ScriptState } from '@runlet/domain';
import { AggregateRepository, CommandResult, EventMetadata } from '@runlet/event-store';
import { ProjectionRunnerService } from '@runlet/platform';

/** Any command on one script, as the CommandBus carries it. */
export class ExecuteScriptCommand implements ICommand {
  constructor(
    readonly scriptId: string,
    readonly command: ScriptCommand,
    readonly metadata: EventMetadata,
  ) {}
}

const scriptAggregate = { decide: decideScript, evolve: evolveScript };

/** Decides and appends, then waits until the read models show the change (read-your-writes). */
@CommandHandler(ExecuteScriptCommand)
export class ExecuteScriptHandler implements ICommandHandler<
  ExecuteScriptCommand,
  CommandResult<ScriptState>
> {
  constructor(
    private readonly repo: AggregateRepository,
    private readonly projections: ProjectionRunnerService,
  ) {}

  async execute({ scriptId, command, metadata }: ExecuteScriptCommand): Promise<CommandResult<ScriptState>> {
    const result = await this.repo.execute(scriptStreamId(scriptId), scriptAggregate, command, metadata);
    if (result.events.length) await this.projections.waitFor(result.position);
    return result;
  }
}
