import { Inject } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { NotFoundError } from '@runlet/domain';
import { RUNLET_CONFIG, RunletConfig } from '@runlet/platform';
import { TriggersQuery } from '@runlet/read-models';
import { toTriggerView } from '../trigger-view';
import { GetTriggerQuery } from './get-trigger.query';

@QueryHandler(GetTriggerQuery)
export class GetTriggerHandler implements IQueryHandler<GetTriggerQuery> {
  constructor(
    private readonly triggers: TriggersQuery,
    @Inject(RUNLET_CONFIG) private readonly config: RunletConfig,
  ) {}

  async execute({ triggerId }: GetTriggerQuery) {
    const trigger = await this.triggers.byId(triggerId);
    if (!trigger) throw new NotFoundError(`trigger ${triggerId} not found`);
    return toTriggerView(trigger, this.config.publicUrl);
  }
}
