import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { AggregateRepository } from '@runlet/event-store';
import { ProjectionRunnerService } from '@runlet/platform';
import { TriggerSecretVault } from '@runlet/read-models';
import { WebhookTriggerCache } from '../../webhooks/webhook-trigger-cache';
import { executeOnTrigger } from '../trigger-stream';
import { DeleteTriggerCommand } from './delete-trigger.command';

@CommandHandler(DeleteTriggerCommand)
export class DeleteTriggerHandler implements ICommandHandler<DeleteTriggerCommand> {
  constructor(
    readonly repo: AggregateRepository,
    readonly projections: ProjectionRunnerService,
    readonly cache: WebhookTriggerCache,
    readonly vault: TriggerSecretVault,
  ) {}

  execute({ triggerId, metadata }: DeleteTriggerCommand): Promise<void> {
    return executeOnTrigger(this, triggerId, { type: 'DeleteTrigger' }, metadata);
  }
}
