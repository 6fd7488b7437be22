import { Command } from '@nestjs/cqrs';
import { EventMetadata } from '@runlet/event-store';

/** "Run now": one execution of the trigger's script (deployed version) with the trigger's input, or `input`. */
export class RunTriggerCommand extends Command<{ executionId: string }> {
  constructor(
    readonly triggerId: string,
    readonly input: unknown,
    readonly metadata: EventMetadata,
  ) {
    super();
  }
}
