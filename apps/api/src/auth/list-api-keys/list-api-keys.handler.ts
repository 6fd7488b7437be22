import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { ApiKeysQuery } from '@runlet/read-models';
import { ListApiKeysQuery } from './list-api-keys.query';

@QueryHandler(ListApiKeysQuery)
export class ListApiKeysHandler implements IQueryHandler<ListApiKeysQuery> {
  constructor(private readonly keys: ApiKeysQuery) {}

  execute() {
    return this.keys.list();
  }
}
