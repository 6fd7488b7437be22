import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { AggregateRepository } from '@runlet/event-store';
import { ProjectionRunnerService } from '@runlet/platform';
import { executeOnScript } from '../script-stream';
import { SaveScriptVersionCommand } from './save-script-version.command';

@CommandHandler(SaveScriptVersionCommand)
export class SaveScriptVersionHandler implements ICommandHandler<SaveScriptVersionCommand> {
  constructor(
    private readonly repo: AggregateRepository,
    private readonly projections: ProjectionRunnerService,
  ) {}

  async execute({ scriptId, changes, metadata }: SaveScriptVersionCommand) {
    const result = await executeOnScript(
      this.repo,
      this.projections,
      scriptId,
      { type: 'SaveScriptVersion', ...changes },
      metadata,
    );
    return { version: result.state?.latestVersion };
  }
}
