import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import {
  decideTrigger,
  NotFoundError,
  triggerAggregate,
  triggerStreamId,
  UpdateTrigger,
  usesSecret,
  ValidationError,
} from '@runlet/domain';
import { AggregateRepository } from '@runlet/event-store';
import { ProjectionRunnerService } from '@runlet/platform';
import { TriggerSecretVault } from '@runlet/read-models';
import { WebhookTriggerCache } from '../../webhooks/webhook-trigger-cache';
import { executeOnTrigger } from '../trigger-stream';
import { WebhookSecrets } from '../webhook-secrets';
import { UpdateTriggerCommand } from './update-trigger.command';

@CommandHandler(UpdateTriggerCommand)
export class UpdateTriggerHandler implements ICommandHandler<UpdateTriggerCommand> {
  constructor(
    readonly repo: AggregateRepository,
    readonly projections: ProjectionRunnerService,
    readonly cache: WebhookTriggerCache,
    readonly vault: TriggerSecretVault,
    private readonly webhookSecrets: WebhookSecrets,
  ) {}

  /** Answers the secret Runlet generated, when a new scheme needed one and none was given. */
  async execute({ triggerId, changes: dto, metadata }: UpdateTriggerCommand): Promise<{ secret?: string }> {
    const { paused, secret, ...changes } = dto;
    // null elsewhere means "the default"; being paused has none to fall back on.
    if (paused === null) throw new ValidationError('paused must be true or false, not null');
    let generated: string | undefined;
    if (Object.values(changes).some((v) => v !== undefined) || secret !== undefined) {
      const command: UpdateTrigger = { type: 'UpdateTrigger', ...changes };
      const state = (await this.repo.load(triggerStreamId(triggerId), triggerAggregate.evolve)).state;
      if (!state || state.deleted) throw new NotFoundError(`trigger ${triggerId} not found`);
      const auth = command.auth === undefined ? state.auth : (command.auth ?? 'none');
      // A secret given replaces the trigger's; a scheme that needs one and has none gets one made.
      const needsOne =
        usesSecret(auth) && (secret != null || (auth !== state.auth && state.secrets.length === 0));
      if (secret != null && !usesSecret(auth)) {
        throw new ValidationError(
          auth === 'discord'
            ? `auth 'discord' takes publicKey, not secret`
            : `auth '${auth}' takes no secret`,
        );
      }
      if (needsOne) {
        // Decided once without side effects first, so a refused update leaves no secret in the vault.
        decideTrigger({ ...command, secretId: 'pending' }, state);
        const stored = await this.webhookSecrets.store(triggerId, auth, secret);
        command.secretId = stored.secretId;
        generated = stored.generated;
      }
      await executeOnTrigger(this, triggerId, command, metadata);
    }
    if (paused === true) await executeOnTrigger(this, triggerId, { type: 'PauseTrigger' }, metadata);
    if (paused === false) await executeOnTrigger(this, triggerId, { type: 'ResumeTrigger' }, metadata);
    return generated ? { secret: generated } : {};
  }
}
