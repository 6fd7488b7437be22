import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { NotFoundError } from '@runlet/domain';
import { AggregateRepository } from '@runlet/event-store';
import { ProjectionRunnerService } from '@runlet/platform';
import { ScriptsQuery } from '@runlet/read-models';
import { generateTriggerSecret } from '../../webhooks/http';
import { WebhookTriggerCache } from '../../webhooks/webhook-trigger-cache';
import { PlatformKey } from '../platform-key';
import { newTriggerId, secretFields } from '../trigger-secret';
import { executeOnTrigger } from '../trigger-stream';
import { CreateTriggerCommand } from './create-trigger.command';

@CommandHandler(CreateTriggerCommand)
export class CreateTriggerHandler implements ICommandHandler<CreateTriggerCommand> {
  constructor(
    readonly repo: AggregateRepository,
    readonly projections: ProjectionRunnerService,
    readonly cache: WebhookTriggerCache,
    private readonly scripts: ScriptsQuery,
    private readonly platformKey: PlatformKey,
  ) {}

  async execute({ scriptId, trigger: dto, metadata }: CreateTriggerCommand) {
    if (!(await this.scripts.summary(scriptId))) throw new NotFoundError(`script ${scriptId} not found`);
    const triggerId = newTriggerId();
    const auth = dto.type === 'http' ? (dto.auth ?? 'none') : undefined;
    const secret = auth === 'token' || auth === 'hmac' ? generateTriggerSecret() : undefined;
    await executeOnTrigger(
      this,
      triggerId,
      {
        type: 'CreateTrigger',
        triggerId,
        scriptId,
        triggerType: dto.type,
        schedule: dto.schedule,
        timezone: dto.type === 'cron' ? (dto.timezone ?? 'UTC') : dto.timezone,
        input: dto.input,
        overlap: dto.overlap,
        catchUp: dto.catchUp,
        auth,
        mode: dto.mode,
        notifyUrl: dto.notifyUrl,
        ...secretFields(this.platformKey.key, triggerId, auth, secret),
      },
      metadata,
    );
    return { id: triggerId, secret };
  }
}
