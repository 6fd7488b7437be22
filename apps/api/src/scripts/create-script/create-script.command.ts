import { Command } from '@nestjs/cqrs';
import { ScriptSpec } from '@runlet/domain';
import { EventMetadata } from '@runlet/event-store';

/** A new script with its first version; answers the id it was given. */
export class CreateScriptCommand extends Command<{ scriptId: string }> {
  constructor(
    readonly name: string,
    readonly spec: Partial<ScriptSpec> & { code: string },
    readonly metadata: EventMetadata,
  ) {
    super();
  }
}
