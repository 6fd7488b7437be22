import { Injectable, NotFoundException } from '@nestjs/common';
import { executionStreamId, ExecutionState } from '@runlet/domain';
import { AggregateRepository } from '@runlet/event-store';
import { executionAggregate, toExecutionView } from '@runlet/executions';

/** One execution, folded from its own stream: always current, even before projections catch up. */
@Injectable()
export class ExecutionLookup {
  constructor(private readonly repo: AggregateRepository) {}

  async state(executionId: string): Promise<ExecutionState> {
    const { state } = await this.repo.load<ExecutionState, any>(
      executionStreamId(executionId),
      executionAggregate.evolve,
    );
    if (!state) throw new NotFoundException(`execution ${executionId} not found`);
    return state;
  }

  async view(executionId: string) {
    return toExecutionView(await this.state(executionId));
  }
}
