import { ReadModelsModule, RUNLET_CONFIG, RunletConfig, REDIS, queueOptions } from '@runlet/platform';
import { Inject, Module, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';
import { AggregateRepository, Database, EventHints, EventStore } from '@runlet/event-store';
import { ExecutionQueueModule, ExecutionRequests } from '@runlet/executions';
import { CronScheduler } from './cron-scheduler';
import { DEFAULT_SCHEDULER_OPTIONS } from './scheduler.config';

/** The `scheduler` role: cron triggers → BullMQ job schedulers → one execution per tick. */
@Module({
  // Read models projected here too, so this role alone reads fresh rm_* tables (no api process needed).
  imports: [ReadModelsModule, ExecutionQueueModule],
  providers: [
    {
      provide: CronScheduler,
      inject: [
        RUNLET_CONFIG,
        Database,
        EventStore,
        EventHints,
        AggregateRepository,
        ExecutionRequests,
        REDIS,
      ],
      useFactory: (
        c: RunletConfig,
        db: Database,
        store: EventStore,
        hints: EventHints,
        repo: AggregateRepository,
        requests: ExecutionRequests,
        redis: Redis,
      ) =>
        new CronScheduler({
          redisUrl: c.redisUrl,
          db,
          store,
          hints,
          repo,
          requests,
          redis,
          options: { ...DEFAULT_SCHEDULER_OPTIONS, prefix: queueOptions(c.redisUrl, c.databaseUrl).prefix! },
        }),
    },
  ],
  exports: [CronScheduler],
})
export class SchedulerModule implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(@Inject(CronScheduler) private readonly scheduler: CronScheduler) {}

  onApplicationBootstrap(): Promise<void> {
    return this.scheduler.start();
  }

  onApplicationShutdown(): Promise<void> {
    return this.scheduler.stop();
  }
}
