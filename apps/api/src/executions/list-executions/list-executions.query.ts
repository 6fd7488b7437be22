import { Query } from '@nestjs/cqrs';
import { ExecutionsQuery } from '@runlet/read-models';
import { ListExecutionsDto } from '../executions.dto';

export class ListExecutionsQuery extends Query<Awaited<ReturnType<ExecutionsQuery['list']>>> {
  constructor(readonly filter: ListExecutionsDto) {
    super();
  }
}
