import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { EventStore } from '@runlet/event-store';
import { auditPage } from '../audit-page';
import { ListEventsQuery } from './list-events.query';

@QueryHandler(ListEventsQuery)
export class ListEventsHandler implements IQueryHandler<ListEventsQuery> {
  constructor(private readonly store: EventStore) {}

  async execute({ filter }: ListEventsQuery) {
    return auditPage(await this.store.readAll(filter), filter.limit);
  }
}
