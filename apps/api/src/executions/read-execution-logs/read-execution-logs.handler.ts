import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { AggregateRepository } from '@runlet/event-store';
import { LogPage, LogStore } from '@runlet/logs';
import { logSearchFilter } from '../../http/log-search';
import { loadExecution } from '../execution-state';
import { ReadExecutionLogsQuery } from './read-execution-logs.query';

@QueryHandler(ReadExecutionLogsQuery)
export class ReadExecutionLogsHandler implements IQueryHandler<ReadExecutionLogsQuery> {
  constructor(
    private readonly repo: AggregateRepository,
    private readonly logs: LogStore,
  ) {}

  async execute({ executionId, page, search }: ReadExecutionLogsQuery): Promise<LogPage> {
    const filter = logSearchFilter(search);
    await loadExecution(this.repo, executionId);
    return this.logs.read(executionId, { ...page, filter });
  }
}
