import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { AggregateRepository } from '@runlet/event-store';
import { LogPage, LogStore } from '@runlet/logs';
import { loadExecution } from '../execution-state';
import { ReadExecutionLogsQuery } from './read-execution-logs.query';

@QueryHandler(ReadExecutionLogsQuery)
export class ReadExecutionLogsHandler implements IQueryHandler<ReadExecutionLogsQuery> {
  constructor(
    private readonly repo: AggregateRepository,
    private readonly logs: LogStore,
  ) {}

  async execute({ executionId, page }: ReadExecutionLogsQuery): Promise<LogPage> {
    await loadExecution(this.repo, executionId);
    return this.logs.read(executionId, page);
  }
}
