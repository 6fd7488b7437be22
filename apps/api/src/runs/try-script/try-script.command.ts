import { Command } from '@nestjs/cqrs';
import { EventMetadata } from '@runlet/event-store';
import { ExecutionView } from '@runlet/executions';
import { LogPage } from '@runlet/logs';
import { TryDto } from '../../executions/executions.dto';

/** The finished execution and its logs; with `wait: false`, only the id of the queued one. */
export type TryAnswer = (ExecutionView & { logs: LogPage['items'] }) | { executionId: string };

/** Builds and runs unsaved code. */
export class TryScriptCommand extends Command<TryAnswer> {
  constructor(
    readonly tryOut: TryDto,
    readonly metadata: EventMetadata,
  ) {
    super();
  }
}
