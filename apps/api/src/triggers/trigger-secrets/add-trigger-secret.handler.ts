import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { decideTrigger, NotFoundError, triggerAggregate, triggerStreamId } from '@runlet/domain';
import { AggregateRepository } from '@runlet/event-store';
import { ProjectionRunnerService } from '@runlet/platform';
import { WebhookTriggerCache } from '../../webhooks/webhook-trigger-cache';
import { executeOnTrigger } from '../trigger-stream';
import { WebhookSecrets } from '../webhook-secrets';
import { AddTriggerSecretCommand } from './add-trigger-secret.command';

@CommandHandler(AddTriggerSecretCommand)
export class AddTriggerSecretHandler implements ICommandHandler<AddTriggerSecretCommand> {
  constructor(
    readonly repo: AggregateRepository,
    readonly projections: ProjectionRunnerService,
    readonly cache: WebhookTriggerCache,
    private readonly webhookSecrets: WebhookSecrets,
  ) {}

  async execute({ triggerId, secret, metadata }: AddTriggerSecretCommand) {
    const { state } = await this.repo.load(triggerStreamId(triggerId), triggerAggregate.evolve);
    if (!state || state.deleted) throw new NotFoundError(`trigger ${triggerId} not found`);
    // Decided once without side effects first, so a refused secret is never stored.
    decideTrigger({ type: 'AddTriggerSecret', secretId: 'pending' }, state);
    const stored = await this.webhookSecrets.store(triggerId, state.auth, secret);
    await executeOnTrigger(
      this,
      triggerId,
      { type: 'AddTriggerSecret', secretId: stored.secretId },
      metadata,
    );
    return {
      id: stored.secretId,
      ...(stored.generated ? { secret: stored.generated } : {}),
      createdAt: new Date().toISOString(),
    };
  }
}
