import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { ProjectionRunnerService } from '@runlet/platform';
import { ExecutionsQuery } from '@runlet/read-models';
import { logSearchFilter } from '../../http/log-search';
import { ListExecutionsQuery } from './list-executions.query';

@QueryHandler(ListExecutionsQuery)
export class ListExecutionsHandler implements IQueryHandler<ListExecutionsQuery> {
  constructor(
    private readonly executions: ExecutionsQuery,
    private readonly projections: ProjectionRunnerService,
  ) {}

  async execute({ filter: { from, to, ...filter } }: ListExecutionsQuery) {
    // The time range takes the forms, and gets the 400s, of the log search's.
    const range = logSearchFilter({ from, to });
    await this.projections.catchUp(); // executions recorded by this process's executor are listed
    return this.executions.list({ ...filter, queuedFrom: range.from, queuedBefore: range.to });
  }
}
