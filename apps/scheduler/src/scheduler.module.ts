import { Inject, Module, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';
import { AggregateRepository, Database, EventHints, EventStore } from '@runlet/event-store';
import { ExecutionQueueModule, ExecutionRequests } from '@runlet/executor';
import { RUNLET_CONFIG, RunletConfig } from '../../api/src/platform/config';
import { REDIS } from '../../api/src/platform/platform.module';
import { CronScheduler } from './cron-scheduler';
import { queueOptions } from '../../api/src/platform/queue-options';
import { DEFAULT_SCHEDULER_OPTIONS } from './scheduler.config';

/** The `scheduler` role: cron triggers → BullMQ job schedulers → one execution per tick. */
@Module({
  imports: [ExecutionQueueModule],
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
