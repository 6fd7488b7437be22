import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { randomUUID } from 'node:crypto';
import { AggregateRepository } from '@runlet/event-store';
import { ProjectionRunnerService } from '@runlet/platform';
import { executeOnScript } from '../script-stream';
import { CreateScriptCommand } from './create-script.command';

@CommandHandler(CreateScriptCommand)
export class CreateScriptHandler implements ICommandHandler<CreateScriptCommand> {
  constructor(
    private readonly repo: AggregateRepository,
    private readonly projections: ProjectionRunnerService,
  ) {}

  async execute({ name, spec, metadata }: CreateScriptCommand): Promise<{ scriptId: string }> {
    const scriptId = randomUUID();
    await executeOnScript(
      this.repo,
      this.projections,
      scriptId,
      { type: 'CreateScript', scriptId, name, spec },
      metadata,
    );
    return { scriptId };
  }
}
