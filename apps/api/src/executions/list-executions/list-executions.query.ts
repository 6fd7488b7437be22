import { Query } from '@nestjs/cqrs';
import { ExecutionFilter, ExecutionsQuery } from '@runlet/read-models';

export class ListExecutionsQuery extends Query<Awaited<ReturnType<ExecutionsQuery['list']>>> {
  constructor(readonly filter: ExecutionFilter) {
    super();
  }
}
