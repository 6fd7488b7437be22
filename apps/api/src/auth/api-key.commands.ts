import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { apiKeyStreamId, ApiKeyCommand, decideApiKey, evolveApiKey } from '@runlet/domain';
import { AggregateRepository, EventMetadata } from '@runlet/event-store';
import { ProjectionRunnerService } from '@runlet/platform';
import { generateApiKey, hashApiKey } from './api-key-hash';

const apiKeyAggregate = { decide: decideApiKey, evolve: evolveApiKey };

@Injectable()
export class ApiKeyCommands {
  constructor(
    private readonly repo: AggregateRepository,
    private readonly projections: ProjectionRunnerService,
  ) {}

  /** Creates a key; the plain key is returned here and never again. */
  async create(
    name: string,
    metadata: EventMetadata,
    key = generateApiKey(),
  ): Promise<{ id: string; key: string }> {
    const keyId = randomUUID();
    await this.run(
      keyId,
      { type: 'CreateApiKey', keyId, name, keyHash: hashApiKey(key), role: 'admin' },
      metadata,
    );
    return { id: keyId, key };
  }

  async revoke(keyId: string, metadata: EventMetadata): Promise<void> {
    await this.run(keyId, { type: 'RevokeApiKey' }, metadata);
  }

  private async run(keyId: string, command: ApiKeyCommand, metadata: EventMetadata): Promise<void> {
    const result = await this.repo.execute(apiKeyStreamId(keyId), apiKeyAggregate, command, metadata);
    await this.projections.waitFor(result.position);
  }
}
