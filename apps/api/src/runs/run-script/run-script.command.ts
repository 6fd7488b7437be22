import { Command } from '@nestjs/cqrs';
import { EventMetadata } from '@runlet/event-store';
import { ExecutionView } from '@runlet/executions';

/**
 * A manual run of a built version (default: the deployed one). With `wait`, `finished` is the
 * finished execution, or null when it is still running after the longest synchronous wait.
 */
export class RunScriptCommand extends Command<{ executionId: string; finished: ExecutionView | null }> {
  constructor(
    readonly scriptId: string,
    readonly run: { input?: unknown; version?: number; wait?: boolean },
    readonly metadata: EventMetadata,
  ) {
    super();
  }
}
