import { Command } from '@nestjs/cqrs';
import { EventMetadata } from '@runlet/event-store';

export interface SecretVersion {
  name: string;
  version: number;
  updatedAt: string;
}

/** Sets a builtin secret's value (a new version); the value goes only to the encrypted store. */
export class SetSecretCommand extends Command<SecretVersion> {
  constructor(
    readonly name: string,
    readonly value: string,
    readonly metadata: EventMetadata,
  ) {
    super();
  }
}
