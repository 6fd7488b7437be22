import { decideExecution, evolveExecution } from '@runlet/domain';

/** The execution aggregate, as the repository takes it. */
export const executionAggregate = { decide: decideExecution, evolve: evolveExecution };
