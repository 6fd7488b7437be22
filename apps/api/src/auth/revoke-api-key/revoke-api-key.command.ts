import { Command } from '@nestjs/cqrs';
import { EventMetadata } from '@runlet/event-store';

export class RevokeApiKeyCommand extends Command<void> {
  constructor(
    readonly keyId: string,
    readonly metadata: EventMetadata,
  ) {
    super();
  }
}
