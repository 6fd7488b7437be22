import { CancelExecutionHandler } from './cancel-execution/cancel-execution.handler';
import { GetExecutionHandler } from './get-execution/get-execution.handler';
import { ListExecutionsHandler } from './list-executions/list-executions.handler';
import { ReadExecutionLogsHandler } from './read-execution-logs/read-execution-logs.handler';
import { ReplayExecutionHandler } from './replay-execution/replay-execution.handler';

/** The executions use cases' command and query handlers, for the module's providers. */
export const executionHandlers = [
  CancelExecutionHandler,
  GetExecutionHandler,
  ListExecutionsHandler,
  ReadExecutionLogsHandler,
  ReplayExecutionHandler,
];
