import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { ConflictError, NotFoundError } from '@runlet/domain';
import { AggregateRepository } from '@runlet/event-store';
import { ProjectionRunnerService } from '@runlet/platform';
import { TriggersQuery } from '@runlet/read-models';
import { generateTriggerSecret } from '../../webhooks/http';
import { WebhookTriggerCache } from '../../webhooks/webhook-trigger-cache';
import { PlatformKey } from '../platform-key';
import { secretFields } from '../trigger-secret';
import { executeOnTrigger } from '../trigger-stream';
import { RotateTriggerSecretCommand } from './rotate-trigger-secret.command';

@CommandHandler(RotateTriggerSecretCommand)
export class RotateTriggerSecretHandler implements ICommandHandler<RotateTriggerSecretCommand> {
  constructor(
    readonly repo: AggregateRepository,
    readonly projections: ProjectionRunnerService,
    readonly cache: WebhookTriggerCache,
    private readonly triggers: TriggersQuery,
    private readonly platformKey: PlatformKey,
  ) {}

  async execute({ triggerId, graceSeconds, metadata }: RotateTriggerSecretCommand) {
    const trigger = await this.triggers.byId(triggerId);
    if (!trigger) throw new NotFoundError(`trigger ${triggerId} not found`);
    if (trigger.type !== 'http' || trigger.auth === 'none') {
      throw new ConflictError('only webhook triggers with token or hmac auth have a secret');
    }
    const secret = generateTriggerSecret();
    const previousSecretValidUntil = new Date(Date.now() + graceSeconds * 1000);
    await executeOnTrigger(
      this,
      triggerId,
      {
        type: 'RotateTriggerSecret',
        ...secretFields(this.platformKey.key, triggerId, trigger.auth, secret),
        graceUntil: previousSecretValidUntil.toISOString(),
      },
      metadata,
    );
    return { secret, previousSecretValidUntil };
  }
}
