import { Command } from '@nestjs/cqrs';
import { EventMetadata } from '@runlet/event-store';

export class ArchiveScriptCommand extends Command<void> {
  constructor(
    readonly scriptId: string,
    readonly metadata: EventMetadata,
  ) {
    super();
  }
}
