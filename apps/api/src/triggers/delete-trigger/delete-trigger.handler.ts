import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { AggregateRepository } from '@runlet/event-store';
import { ProjectionRunnerService } from '@runlet/platform';
import { WebhookTriggerCache } from '../../webhooks/webhook-trigger-cache';
import { executeOnTrigger } from '../trigger-stream';
import { DeleteTriggerCommand } from './delete-trigger.command';

@CommandHandler(DeleteTriggerCommand)
export class DeleteTriggerHandler implements ICommandHandler<DeleteTriggerCommand> {
  constructor(
    readonly repo: AggregateRepository,
    readonly projections: ProjectionRunnerService,
    readonly cache: WebhookTriggerCache,
  ) {}

  execute({ triggerId, metadata }: DeleteTriggerCommand): Promise<void> {
    return executeOnTrigger(this, triggerId, { type: 'DeleteTrigger' }, metadata);
  }
}
