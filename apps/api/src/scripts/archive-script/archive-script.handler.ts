import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { AggregateRepository } from '@runlet/event-store';
import { ProjectionRunnerService } from '@runlet/platform';
import { executeOnScript } from '../script-stream';
import { ArchiveScriptCommand } from './archive-script.command';

@CommandHandler(ArchiveScriptCommand)
export class ArchiveScriptHandler implements ICommandHandler<ArchiveScriptCommand> {
  constructor(
    private readonly repo: AggregateRepository,
    private readonly projections: ProjectionRunnerService,
  ) {}

  async execute({ scriptId, metadata }: ArchiveScriptCommand): Promise<void> {
    await executeOnScript(this.repo, this.projections, scriptId, { type: 'ArchiveScript' }, metadata);
  }
}
