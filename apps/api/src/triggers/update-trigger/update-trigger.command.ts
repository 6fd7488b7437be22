import { Command } from '@nestjs/cqrs';
import { EventMetadata } from '@runlet/event-store';
import { UpdateTriggerDto } from '../triggers.dto';

/** Edits a trigger's settings and/or pauses or resumes it (`paused`). */
export class UpdateTriggerCommand extends Command<{ secret?: string }> {
  constructor(
    readonly triggerId: string,
    readonly changes: UpdateTriggerDto,
    readonly metadata: EventMetadata,
  ) {
    super();
  }
}
