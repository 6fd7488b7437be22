import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { AggregateRepository } from '@runlet/event-store';
import { ProjectionRunnerService } from '@runlet/platform';
import { executeOnScript } from '../script-stream';
import { DeployScriptVersionCommand } from './deploy-script-version.command';

@CommandHandler(DeployScriptVersionCommand)
export class DeployScriptVersionHandler implements ICommandHandler<DeployScriptVersionCommand> {
  constructor(
    private readonly repo: AggregateRepository,
    private readonly projections: ProjectionRunnerService,
  ) {}

  async execute({ scriptId, version, metadata }: DeployScriptVersionCommand): Promise<void> {
    await executeOnScript(
      this.repo,
      this.projections,
      scriptId,
      { type: 'DeployScriptVersion', version, reason: 'manual deploy' },
      metadata,
    );
  }
}
