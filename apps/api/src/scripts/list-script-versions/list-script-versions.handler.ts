import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { ScriptsQuery } from '@runlet/read-models';
import { ListScriptVersionsQuery } from './list-script-versions.query';

@QueryHandler(ListScriptVersionsQuery)
export class ListScriptVersionsHandler implements IQueryHandler<ListScriptVersionsQuery> {
  constructor(private readonly scripts: ScriptsQuery) {}

  execute({ scriptId }: ListScriptVersionsQuery) {
    return this.scripts.versions(scriptId);
  }
}
