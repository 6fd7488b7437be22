import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { ValidationError } from '@runlet/domain';
import { AggregateRepository } from '@runlet/event-store';
import { ProjectionRunnerService } from '@runlet/platform';
import { WebhookTriggerCache } from '../../webhooks/webhook-trigger-cache';
import { executeOnTrigger } from '../trigger-stream';
import { UpdateTriggerCommand } from './update-trigger.command';

@CommandHandler(UpdateTriggerCommand)
export class UpdateTriggerHandler implements ICommandHandler<UpdateTriggerCommand> {
  constructor(
    readonly repo: AggregateRepository,
    readonly projections: ProjectionRunnerService,
    readonly cache: WebhookTriggerCache,
  ) {}

  async execute({ triggerId, changes: dto, metadata }: UpdateTriggerCommand): Promise<void> {
    const { paused, ...changes } = dto;
    // null elsewhere means "the default"; being paused has none to fall back on.
    if (paused === null) throw new ValidationError('paused must be true or false, not null');
    if (Object.values(changes).some((v) => v !== undefined)) {
      await executeOnTrigger(this, triggerId, { type: 'UpdateTrigger', ...changes }, metadata);
    }
    if (paused === true) await executeOnTrigger(this, triggerId, { type: 'PauseTrigger' }, metadata);
    if (paused === false) await executeOnTrigger(this, triggerId, { type: 'ResumeTrigger' }, metadata);
  }
}
