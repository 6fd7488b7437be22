import { NotFoundException } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { Database, EventStore, readScriptEvents } from '@runlet/event-store';
import { ScriptsQuery } from '@runlet/read-models';
import { auditPage } from '../audit-page';
import { ReadScriptHistoryQuery } from './read-script-history.query';

@QueryHandler(ReadScriptHistoryQuery)
export class ReadScriptHistoryHandler implements IQueryHandler<ReadScriptHistoryQuery> {
  constructor(
    private readonly store: EventStore,
    private readonly db: Database,
    private readonly scripts: ScriptsQuery,
  ) {}

  async execute({ scriptId, page }: ReadScriptHistoryQuery) {
    if (!(await this.scripts.summary(scriptId))) throw new NotFoundException(`script ${scriptId} not found`);
    return auditPage(await readScriptEvents(this.db, this.store, scriptId, page), page.limit);
  }
}
