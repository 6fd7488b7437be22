import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { ScriptsQuery } from '@runlet/read-models';
import { ListScriptsQuery } from './list-scripts.query';

@QueryHandler(ListScriptsQuery)
export class ListScriptsHandler implements IQueryHandler<ListScriptsQuery> {
  constructor(private readonly scripts: ScriptsQuery) {}

  execute({ page }: ListScriptsQuery) {
    return this.scripts.list(page);
  }
}
