import { Command } from '@nestjs/cqrs';
import { EventMetadata } from '@runlet/event-store';

/** One more secret for a webhook trigger; answers its id and, when Runlet made it, the value (shown once). */
export class AddTriggerSecretCommand extends Command<{ id: string; secret?: string; createdAt: string }> {
  constructor(
    readonly triggerId: string,
    readonly secret: string | undefined,
    readonly metadata: EventMetadata,
  ) {
    super();
  }
}
