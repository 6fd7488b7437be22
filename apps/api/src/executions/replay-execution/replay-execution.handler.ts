import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { fromStored } from '@runlet/contracts';
import { ConflictError } from '@runlet/domain';
import { AggregateRepository } from '@runlet/event-store';
import { ExecutionRequests } from '@runlet/executions';
import { loadExecution } from '../execution-state';
import { ReplayExecutionCommand } from './replay-execution.command';

/** Queues through ExecutionRequests, which owns every write to an execution stream. */
@CommandHandler(ReplayExecutionCommand)
export class ReplayExecutionHandler implements ICommandHandler<ReplayExecutionCommand> {
  constructor(
    private readonly repo: AggregateRepository,
    private readonly requests: ExecutionRequests,
  ) {}

  async execute({ executionId, metadata }: ReplayExecutionCommand): Promise<{ executionId: string }> {
    const s = await loadExecution(this.repo, executionId);
    if (s.trigger.type === 'try')
      throw new ConflictError('a try-out cannot be replayed; save the script first');
    const queued = await this.requests.queueExecution(
      {
        scriptId: s.scriptId,
        version: s.version,
        trigger: s.trigger,
        // Queued as the user's values again: the state holds them in stored form.
        input: fromStored(s.input),
        maxAttempts: s.maxAttempts,
        replayOf: s.id,
        ...(s.http ? { http: fromStored(s.http) } : {}),
        ...(s.cron ? { cron: s.cron } : {}),
      },
      metadata,
    );
    return { executionId: queued.executionId };
  }
}
