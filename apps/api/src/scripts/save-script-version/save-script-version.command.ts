import { Command } from '@nestjs/cqrs';
import { ScriptSpec } from '@runlet/domain';
import { EventMetadata } from '@runlet/event-store';

/**
 * A new version of a script: the given changes over the latest spec. "Upgrade dependencies" is
 * this use case too (no changes, `upgrade`: its build re-resolves every range), as the domain
 * decides it as one.
 */
export class SaveScriptVersionCommand extends Command<{ version: number | undefined }> {
  constructor(
    readonly scriptId: string,
    readonly changes: {
      name?: string;
      spec: Partial<ScriptSpec>;
      expectedVersion?: number;
      reason?: string;
      upgrade?: boolean;
    },
    readonly metadata: EventMetadata,
  ) {
    super();
  }
}
