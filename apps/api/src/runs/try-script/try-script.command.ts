import { Command } from '@nestjs/cqrs';
import { EventMetadata } from '@runlet/event-store';
import { ExecutionView } from '@runlet/executions';
import { LogPage } from '@runlet/logs';
import { TryDto } from '../../executions/executions.dto';

/** Builds and runs unsaved code; answers the finished execution and its logs. */
export class TryScriptCommand extends Command<ExecutionView & { logs: LogPage['items'] }> {
  constructor(
    readonly tryOut: TryDto,
    readonly metadata: EventMetadata,
  ) {
    super();
  }
}
