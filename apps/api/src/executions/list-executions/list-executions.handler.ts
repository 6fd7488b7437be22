import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { ProjectionRunnerService } from '@runlet/platform';
import { ExecutionsQuery } from '@runlet/read-models';
import { ListExecutionsQuery } from './list-executions.query';

@QueryHandler(ListExecutionsQuery)
export class ListExecutionsHandler implements IQueryHandler<ListExecutionsQuery> {
  constructor(
    private readonly executions: ExecutionsQuery,
    private readonly projections: ProjectionRunnerService,
  ) {}

  async execute({ filter }: ListExecutionsQuery) {
    await this.projections.catchUp(); // executions recorded by this process's executor are listed
    return this.executions.list(filter);
  }
}
