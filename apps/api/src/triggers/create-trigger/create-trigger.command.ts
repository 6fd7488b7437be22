import { Command } from '@nestjs/cqrs';
import { EventMetadata } from '@runlet/event-store';
import { CreateTriggerDto } from '../triggers.dto';

/** Answers the new trigger's id and, for token/hmac webhooks, its secret (shown this once). */
export class CreateTriggerCommand extends Command<{ id: string; secret?: string }> {
  constructor(
    readonly scriptId: string,
    readonly trigger: CreateTriggerDto,
    readonly metadata: EventMetadata,
  ) {
    super();
  }
}
