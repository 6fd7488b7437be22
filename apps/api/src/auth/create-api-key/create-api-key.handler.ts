import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { randomUUID } from 'node:crypto';
import { AggregateRepository } from '@runlet/event-store';
import { ProjectionRunnerService } from '@runlet/platform';
import { generateApiKey, hashApiKey } from '../api-key-hash';
import { executeOnApiKey } from '../api-key-stream';
import { CreateApiKeyCommand } from './create-api-key.command';

@CommandHandler(CreateApiKeyCommand)
export class CreateApiKeyHandler implements ICommandHandler<CreateApiKeyCommand> {
  constructor(
    private readonly repo: AggregateRepository,
    private readonly projections: ProjectionRunnerService,
  ) {}

  async execute({ name, metadata, key = generateApiKey() }: CreateApiKeyCommand) {
    const keyId = randomUUID();
    await executeOnApiKey(
      this.repo,
      this.projections,
      keyId,
      { type: 'CreateApiKey', keyId, name, keyHash: hashApiKey(key), role: 'admin' },
      metadata,
    );
    return { id: keyId, key };
  }
}
