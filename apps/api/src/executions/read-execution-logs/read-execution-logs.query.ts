import { Query } from '@nestjs/cqrs';
import { LogPage, LogSearchParams } from '@runlet/logs';

/** A page of an execution's stored log lines, optionally searched; 404 when there is no such execution, 400 on bad search parameters. */
export class ReadExecutionLogsQuery extends Query<LogPage> {
  constructor(
    readonly executionId: string,
    readonly page: { after?: number; limit?: number },
    readonly search: LogSearchParams = {},
  ) {
    super();
  }
}
