import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { AggregateRepository } from '@runlet/event-store';
import { ProjectionRunnerService } from '@runlet/platform';
import { ApiKeyGuard } from '../api-key.guard';
import { executeOnApiKey } from '../api-key-stream';
import { RevokeApiKeyCommand } from './revoke-api-key.command';

@CommandHandler(RevokeApiKeyCommand)
export class RevokeApiKeyHandler implements ICommandHandler<RevokeApiKeyCommand> {
  constructor(
    private readonly repo: AggregateRepository,
    private readonly projections: ProjectionRunnerService,
    private readonly guard: ApiKeyGuard,
  ) {}

  async execute({ keyId, metadata }: RevokeApiKeyCommand): Promise<void> {
    await executeOnApiKey(this.repo, this.projections, keyId, { type: 'RevokeApiKey' }, metadata);
    this.guard.forget(keyId); // this process stops accepting it at once
  }
}
