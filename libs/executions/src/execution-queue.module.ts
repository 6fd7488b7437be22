import { Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { Queue } from 'bullmq';
import { AggregateRepository, EventStore } from '@runlet/event-store';
import { RUNLET_CONFIG, RunletConfig, queueOptions } from '@runlet/platform';
import { ExecutionJobData, EXECUTIONS_QUEUE } from './execution-queue';
import { ExecutionRequests } from './execution-requests';
import { ExecutionResults } from './execution-results';

export const EXECUTIONS_QUEUE_TOKEN = Symbol('EXECUTIONS_QUEUE');

/** Queuing executions and waiting for their results: used by the API, the scheduler and the executor. */
@Global()
@Module({
  providers: [
    {
      provide: EXECUTIONS_QUEUE_TOKEN,
      inject: [RUNLET_CONFIG],
      useFactory: (c: RunletConfig) =>
        new Queue<ExecutionJobData>(EXECUTIONS_QUEUE, queueOptions(c.redisUrl, c.databaseUrl)),
    },
    {
      provide: ExecutionResults,
      inject: [RUNLET_CONFIG, AggregateRepository],
      useFactory: (c: RunletConfig, repo: AggregateRepository) => new ExecutionResults(c.redisUrl, repo),
    },
    {
      provide: ExecutionRequests,
      inject: [EventStore, EXECUTIONS_QUEUE_TOKEN, ExecutionResults],
      useFactory: (store: EventStore, queue: Queue<ExecutionJobData>, results: ExecutionResults) =>
        new ExecutionRequests(store, queue, results),
    },
  ],
  exports: [ExecutionRequests, ExecutionResults, EXECUTIONS_QUEUE_TOKEN],
})
export class ExecutionQueueModule implements OnApplicationShutdown {
  constructor(
    @Inject(EXECUTIONS_QUEUE_TOKEN) private readonly queue: Queue,
    private readonly results: ExecutionResults,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await this.queue.close();
    await this.results.close();
  }
}
