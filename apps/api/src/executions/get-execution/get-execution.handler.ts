import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { AggregateRepository } from '@runlet/event-store';
import { ExecutionView, toExecutionView } from '@runlet/executions';
import { loadExecution } from '../execution-state';
import { GetExecutionQuery } from './get-execution.query';

/**
 * Folded from the execution's stream, not read from libs/read-models: a client that just ran or
 * cancelled an execution sees it at once, before the projection has caught up.
 */
@QueryHandler(GetExecutionQuery)
export class GetExecutionHandler implements IQueryHandler<GetExecutionQuery> {
  constructor(private readonly repo: AggregateRepository) {}

  async execute({ executionId }: GetExecutionQuery): Promise<ExecutionView> {
    return toExecutionView(await loadExecution(this.repo, executionId));
  }
}
