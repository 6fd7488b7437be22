import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { AggregateRepository } from '@runlet/event-store';
import { ProjectionRunnerService } from '@runlet/platform';
import { TriggerSecretVault } from '@runlet/read-models';
import { WebhookTriggerCache } from '../../webhooks/webhook-trigger-cache';
import { executeOnTrigger } from '../trigger-stream';
import { RetireTriggerSecretCommand } from './retire-trigger-secret.command';

@CommandHandler(RetireTriggerSecretCommand)
export class RetireTriggerSecretHandler implements ICommandHandler<RetireTriggerSecretCommand> {
  constructor(
    readonly repo: AggregateRepository,
    readonly projections: ProjectionRunnerService,
    readonly cache: WebhookTriggerCache,
    readonly vault: TriggerSecretVault,
  ) {}

  async execute({ triggerId, secretId, metadata }: RetireTriggerSecretCommand): Promise<void> {
    await executeOnTrigger(this, triggerId, { type: 'RetireTriggerSecret', secretId }, metadata);
  }
}
