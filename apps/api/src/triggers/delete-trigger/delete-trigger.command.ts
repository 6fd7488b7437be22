import { Command } from '@nestjs/cqrs';
import { EventMetadata } from '@runlet/event-store';

export class DeleteTriggerCommand extends Command<void> {
  constructor(
    readonly triggerId: string,
    readonly metadata: EventMetadata,
  ) {
    super();
  }
}
