import { Query } from '@nestjs/cqrs';
import { LogSearchParams, ScriptLogPage } from '@runlet/logs';

/** One script's log lines across its executions, newest first; 404 for an unknown script, 400 on bad parameters. */
export class SearchScriptLogsQuery extends Query<ScriptLogPage> {
  constructor(
    readonly scriptId: string,
    readonly search: LogSearchParams,
    readonly page: { cursor?: string; limit?: number },
  ) {
    super();
  }
}
