import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { NotFoundError } from '@runlet/domain';
import { TriggersQuery } from '@runlet/read-models';
import { ListTriggerSecretsQuery } from './list-trigger-secrets.query';

@QueryHandler(ListTriggerSecretsQuery)
export class ListTriggerSecretsHandler implements IQueryHandler<ListTriggerSecretsQuery> {
  constructor(private readonly triggers: TriggersQuery) {}

  async execute({ triggerId }: ListTriggerSecretsQuery) {
    if (!(await this.triggers.byId(triggerId))) throw new NotFoundError(`trigger ${triggerId} not found`);
    return { items: await this.triggers.secrets(triggerId) };
  }
}
