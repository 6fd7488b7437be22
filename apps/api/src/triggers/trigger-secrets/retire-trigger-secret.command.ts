import { Command } from '@nestjs/cqrs';
import { EventMetadata } from '@runlet/event-store';

/** Stops accepting one of a webhook trigger's secrets. */
export class RetireTriggerSecretCommand extends Command<void> {
  constructor(
    readonly triggerId: string,
    readonly secretId: string,
    readonly metadata: EventMetadata,
  ) {
    super();
  }
}
