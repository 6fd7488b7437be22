import { NotFoundException } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { LogStore, ScriptLogPage } from '@runlet/logs';
import { ScriptsQuery } from '@runlet/read-models';
import { badSearchIs400, logSearchFilter } from '../../http/log-search';
import { SearchScriptLogsQuery } from './search-script-logs.query';

@QueryHandler(SearchScriptLogsQuery)
export class SearchScriptLogsHandler implements IQueryHandler<SearchScriptLogsQuery> {
  constructor(
    private readonly scripts: ScriptsQuery,
    private readonly logs: LogStore,
  ) {}

  async execute({ scriptId, search, page }: SearchScriptLogsQuery): Promise<ScriptLogPage> {
    const filter = logSearchFilter(search);
    if (!(await this.scripts.detail(scriptId))) throw new NotFoundException(`script ${scriptId} not found`);
    return badSearchIs400(this.logs.searchScript(scriptId, { filter, ...page }));
  }
}
