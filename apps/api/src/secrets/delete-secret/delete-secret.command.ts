import { Command } from '@nestjs/cqrs';
import { EventMetadata } from '@runlet/event-store';

export class DeleteSecretCommand extends Command<void> {
  constructor(
    readonly name: string,
    readonly metadata: EventMetadata,
  ) {
    super();
  }
}
