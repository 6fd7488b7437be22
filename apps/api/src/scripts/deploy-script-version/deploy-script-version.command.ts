import { Command } from '@nestjs/cqrs';
import { EventMetadata } from '@runlet/event-store';

/** A manual deploy: runs (manual, cron, webhooks) use this version from now on. */
export class DeployScriptVersionCommand extends Command<void> {
  constructor(
    readonly scriptId: string,
    readonly version: number,
    readonly metadata: EventMetadata,
  ) {
    super();
  }
}
