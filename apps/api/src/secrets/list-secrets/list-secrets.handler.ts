import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { SecretsQuery } from '@runlet/read-models';
import { ListSecretsQuery } from './list-secrets.query';

@QueryHandler(ListSecretsQuery)
export class ListSecretsHandler implements IQueryHandler<ListSecretsQuery> {
  constructor(private readonly secrets: SecretsQuery) {}

  execute() {
    return this.secrets.list();
  }
}
