import { Command } from '@nestjs/cqrs';
import { EventMetadata } from '@runlet/event-store';

/** Runs an execution again with the same version and input; answers the new execution's id. */
export class ReplayExecutionCommand extends Command<{ executionId: string }> {
  constructor(
    readonly executionId: string,
    readonly metadata: EventMetadata,
  ) {
    super();
  }
}
