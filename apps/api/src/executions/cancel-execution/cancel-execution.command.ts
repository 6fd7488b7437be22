import { Command } from '@nestjs/cqrs';
import { EventMetadata } from '@runlet/event-store';

/** Queued: cancelled at once. Running: the executor running it aborts the sandbox. */
export class CancelExecutionCommand extends Command<void> {
  constructor(
    readonly executionId: string,
    readonly metadata: EventMetadata,
  ) {
    super();
  }
}
