import { Command } from '@nestjs/cqrs';
import { EventMetadata } from '@runlet/event-store';

/**
 * An admin key; the plain key is answered here and never again. `key` registers a given one
 * (RUNLET_ADMIN_KEY at bootstrap); otherwise one is generated.
 */
export class CreateApiKeyCommand extends Command<{ id: string; key: string }> {
  constructor(
    readonly name: string,
    readonly metadata: EventMetadata,
    readonly key?: string,
  ) {
    super();
  }
}
