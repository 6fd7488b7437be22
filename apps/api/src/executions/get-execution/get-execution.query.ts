import { Query } from '@nestjs/cqrs';
import { ExecutionView } from '@runlet/executions';

/** One execution as the API shows it; 404 when there is none. */
export class GetExecutionQuery extends Query<ExecutionView> {
  constructor(readonly executionId: string) {
    super();
  }
}
