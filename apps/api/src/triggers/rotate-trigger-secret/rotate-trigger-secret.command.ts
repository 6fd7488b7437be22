import { Command } from '@nestjs/cqrs';
import { EventMetadata } from '@runlet/event-store';

/** A new token/HMAC secret (answered once); the previous one keeps working for `graceSeconds`. */
export class RotateTriggerSecretCommand extends Command<{
  secret: string;
  secretId: string;
  previousSecretValidUntil: Date;
}> {
  constructor(
    readonly triggerId: string,
    readonly graceSeconds: number,
    readonly metadata: EventMetadata,
  ) {
    super();
  }
}
