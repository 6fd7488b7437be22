import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import {
  CreateTrigger,
  decideTrigger,
  NotFoundError,
  usesSecret,
  ValidationError,
  WEBHOOK_AUTH,
  WebhookAuth,
} from '@runlet/domain';
import { AggregateRepository } from '@runlet/event-store';
import { ProjectionRunnerService } from '@runlet/platform';
import { ScriptsQuery } from '@runlet/read-models';
import { WebhookTriggerCache } from '../../webhooks/webhook-trigger-cache';
import { newTriggerId } from '../trigger-secret';
import { WebhookSecrets } from '../webhook-secrets';
import { executeOnTrigger } from '../trigger-stream';
import { CreateTriggerCommand } from './create-trigger.command';

@CommandHandler(CreateTriggerCommand)
export class CreateTriggerHandler implements ICommandHandler<CreateTriggerCommand> {
  constructor(
    readonly repo: AggregateRepository,
    readonly projections: ProjectionRunnerService,
    readonly cache: WebhookTriggerCache,
    private readonly scripts: ScriptsQuery,
    private readonly webhookSecrets: WebhookSecrets,
  ) {}

  async execute({ scriptId, trigger: dto, metadata }: CreateTriggerCommand) {
    if (!(await this.scripts.summary(scriptId))) throw new NotFoundError(`script ${scriptId} not found`);
    const triggerId = newTriggerId();
    const auth = dto.type === 'http' ? (dto.auth ?? 'none') : undefined;
    const withSecret = dto.type === 'http' && WEBHOOK_AUTH.includes(auth as WebhookAuth) && usesSecret(auth!);
    if (!withSecret && dto.secret != null) {
      throw new ValidationError(
        auth === 'discord'
          ? `auth 'discord' takes publicKey, not secret`
          : `auth '${auth ?? 'none'}' takes no secret`,
      );
    }
    const command: CreateTrigger = {
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
      toleranceSeconds: dto.toleranceSeconds,
      hmac: dto.hmac,
      publicKey: dto.publicKey,
    };
    // Decided once without side effects first, so a refused command leaves no secret in the vault.
    decideTrigger({ ...command, secretId: withSecret ? 'pending' : undefined }, undefined);
    const stored = withSecret ? await this.webhookSecrets.store(triggerId, auth!, dto.secret) : undefined;
    await executeOnTrigger(this, triggerId, { ...command, secretId: stored?.secretId }, metadata);
    return { id: triggerId, secret: stored?.generated };
  }
}
