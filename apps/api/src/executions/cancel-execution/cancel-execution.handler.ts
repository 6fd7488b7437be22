import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import Redis from 'ioredis';
import { ConflictError, isTerminal } from '@runlet/domain';
import { AggregateRepository } from '@runlet/event-store';
import { Cancellations, ExecutionRequests } from '@runlet/executions';
import { LogStore } from '@runlet/logs';
import { REDIS } from '@runlet/platform';
import { loadExecution } from '../execution-state';
import { CancelExecutionCommand } from './cancel-execution.command';

@CommandHandler(CancelExecutionCommand)
export class CancelExecutionHandler implements ICommandHandler<CancelExecutionCommand> {
  constructor(
    private readonly repo: AggregateRepository,
    private readonly requests: ExecutionRequests,
    @Inject(REDIS) private readonly redis: Redis,
    private readonly logs: LogStore,
  ) {}

  async execute({ executionId, metadata }: CancelExecutionCommand): Promise<void> {
    const state = await loadExecution(this.repo, executionId);
    if (isTerminal(state.status))
      throw new ConflictError(`execution ${executionId} has already ${state.status.replace('_', ' ')}`);
    if (state.status === 'queued') {
      await this.requests
        .recordCancelled(executionId, 'cancelled by request', metadata)
        // It never ran, so it has no lines: its live tails just end.
        .then(() => this.logs.end(executionId))
        // It may have started meanwhile: then the executor's abort below ends it.
        .catch(() => undefined);
    }
    await Cancellations.request(this.redis, executionId);
  }
}
