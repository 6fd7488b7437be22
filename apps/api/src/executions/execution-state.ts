import { NotFoundException } from '@nestjs/common';
import { executionStreamId, ExecutionState, isTerminal } from '@runlet/domain';
import { AggregateRepository } from '@runlet/event-store';
import { executionAggregate } from '@runlet/domain';

/** One execution, folded from its own stream: always current, even before projections catch up. */
export async function loadExecution(repo: AggregateRepository, executionId: string): Promise<ExecutionState> {
  const { state } = await repo.load<ExecutionState, any>(
    executionStreamId(executionId),
    executionAggregate.evolve,
  );
  if (!state) throw new NotFoundException(`execution ${executionId} not found`);
  return state;
}

/** Whether the execution's terminal event is recorded: then its log lines are all stored (docs/architecture.md, Logs). */
export async function isFinished(repo: AggregateRepository, executionId: string): Promise<boolean> {
  return isTerminal((await loadExecution(repo, executionId)).status);
}
