import { Query } from '@nestjs/cqrs';
import { LogPage, ReadOptions } from '@runlet/logs';

/** A page of an execution's stored log lines; 404 when there is no such execution. */
export class ReadExecutionLogsQuery extends Query<LogPage> {
  constructor(
    readonly executionId: string,
    readonly page: ReadOptions,
  ) {
    super();
  }
}
