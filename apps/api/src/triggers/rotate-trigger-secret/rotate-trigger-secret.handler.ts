import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { ConflictError, NotFoundError, usesSecret } from '@runlet/domain';
import { AggregateRepository } from '@runlet/event-store';
import { ProjectionRunnerService } from '@runlet/platform';
import { TriggersQuery } from '@runlet/read-models';
import { WebhookTriggerCache } from '../../webhooks/webhook-trigger-cache';
import { executeOnTrigger } from '../trigger-stream';
import { WebhookSecrets } from '../webhook-secrets';
import { RotateTriggerSecretCommand } from './rotate-trigger-secret.command';

@CommandHandler(RotateTriggerSecretCommand)
export class RotateTriggerSecretHandler implements ICommandHandler<RotateTriggerSecretCommand> {
  constructor(
    readonly repo: AggregateRepository,
    readonly projections: ProjectionRunnerService,
    readonly cache: WebhookTriggerCache,
    private readonly triggers: TriggersQuery,
    private readonly webhookSecrets: WebhookSecrets,
  ) {}

  async execute({ triggerId, graceSeconds, metadata }: RotateTriggerSecretCommand) {
    const trigger = await this.triggers.byId(triggerId);
    if (!trigger) throw new NotFoundError(`trigger ${triggerId} not found`);
    if (trigger.type !== 'http' || !usesSecret(trigger.auth)) {
      throw new ConflictError(
        `only webhook triggers verified with a secret have one (auth is ${trigger.auth})`,
      );
    }
    const stored = await this.webhookSecrets.store(triggerId, trigger.auth, undefined);
    const previousSecretValidUntil = new Date(Date.now() + graceSeconds * 1000);
    await executeOnTrigger(
      this,
      triggerId,
      {
        type: 'RotateTriggerSecret',
        secretId: stored.secretId,
        graceUntil: previousSecretValidUntil.toISOString(),
      },
      metadata,
    );
    return { secret: stored.generated!, secretId: stored.secretId, previousSecretValidUntil };
  }
}
