import {
  ExecutionRetention,
  ReadModelsModule,
  queueOptions,
  RUNLET_CONFIG,
  RunletConfig,
} from '@runlet/platform';
import { Inject, Logger, Module, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Queue } from 'bullmq';
import {
  AggregateRepository,
  Database,
  EventHints,
  EventStore,
  SubscriptionRunner,
} from '@runlet/event-store';
import {
  FailureNotificationsProcessManager,
  NotificationJobData,
  NOTIFICATIONS_QUEUE,
} from './notifications/failure-notifications.process-manager';
import { NotificationWorker } from './notifications/notification.worker';
import { LogStore } from '@runlet/logs';
import { ProcessRuntime } from '@runlet/runtime';
import { ArtifactResolver } from './artifact-resolver';
import {
  Cancellations,
  ExecutionQueueModule,
  EXECUTIONS_QUEUE_TOKEN,
  ExecutionResults,
  ExecutionRequests,
  ExecutionJobData,
} from '@runlet/executions';
import { ExecutionWorker } from './execution.worker';
import { ExecutionsQuery, ScriptsQuery, TriggersQuery } from '@runlet/read-models';
import { StrandedExecutions } from './stranded-executions';

const RUNTIME = Symbol('RUNTIME');

/** The `executor` role: runs execution jobs in the sandboxed process runtime. */
@Module({
  // Read models projected here too, so this role alone reads fresh rm_* tables (no api process needed).
  imports: [ReadModelsModule, ExecutionQueueModule],
  providers: [
    {
      provide: RUNTIME,
      inject: [RUNLET_CONFIG],
      useFactory: async (c: RunletConfig) => {
        const runtime = await ProcessRuntime.create({
          poolSize: c.executor.poolSize,
          reuse: c.executor.reuseInstances,
          allowInsecure: c.executor.allowInsecureSandbox,
        });
        if (c.executor.allowInsecureSandbox) {
          new Logger('executor').warn(
            'RUNLET_ALLOW_INSECURE_SANDBOX=true: user code may run WITHOUT a sandbox',
          );
        }
        return runtime;
      },
    },
    {
      provide: ArtifactResolver,
      inject: [Database, EventStore],
      useFactory: (db: Database, store: EventStore) => new ArtifactResolver(db, store),
    },
    {
      provide: Cancellations,
      inject: [RUNLET_CONFIG],
      useFactory: (c: RunletConfig) => new Cancellations(c.redisUrl),
    },
    {
      provide: ExecutionWorker,
      inject: [
        RUNLET_CONFIG,
        AggregateRepository,
        EventStore,
        RUNTIME,
        ArtifactResolver,
        LogStore,
        ExecutionResults,
        Cancellations,
        EXECUTIONS_QUEUE_TOKEN,
      ],
      useFactory: (
        c: RunletConfig,
        repo: AggregateRepository,
        store: EventStore,
        runtime: ProcessRuntime,
        artifacts: ArtifactResolver,
        logs: LogStore,
        results: ExecutionResults,
        cancellations: Cancellations,
        queue: Queue<ExecutionJobData>,
      ) =>
        new ExecutionWorker(
          {
            redisUrl: c.redisUrl,
            databaseUrl: c.databaseUrl,
            concurrency: c.executor.concurrency,
            lockDurationMs: c.executor.lockDurationMs,
          },
          repo,
          store,
          runtime,
          artifacts,
          logs,
          results,
          cancellations,
          queue,
        ),
    },
  ],
})
export class ExecutorModule implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly notificationsQueue: Queue<NotificationJobData>;
  private readonly notifications: SubscriptionRunner;
  private readonly notifier: NotificationWorker;
  private readonly stranded: StrandedExecutions;
  private readonly retention?: ExecutionRetention;

  constructor(
    private readonly worker: ExecutionWorker,
    private readonly cancellations: Cancellations,
    private readonly requests: ExecutionRequests,
    @Inject(RUNTIME) private readonly runtime: ProcessRuntime,
    @Inject(RUNLET_CONFIG) config: RunletConfig,
    db: Database,
    store: EventStore,
    hints: EventHints,
  ) {
    this.notificationsQueue = new Queue(
      NOTIFICATIONS_QUEUE,
      queueOptions(config.redisUrl, config.databaseUrl),
    );
    this.notifications = new SubscriptionRunner(
      db,
      store,
      new FailureNotificationsProcessManager(
        new TriggersQuery(db),
        new ScriptsQuery(db),
        store,
        this.notificationsQueue,
      ),
      hints,
      { pollMs: 1000, minIntervalMs: 50, lazyCheckpoints: true },
    );
    this.notifier = new NotificationWorker(config.redisUrl, config.databaseUrl);
    // Long enough that a job in flight has reached the queue; a stranded execution waits at most ~3 locks.
    this.stranded = new StrandedExecutions(new ExecutionsQuery(db), requests, {
      staleAfterMs: 2 * config.executor.lockDurationMs,
      everyMs: config.executor.lockDurationMs,
    });
    if (config.executionRetentionDays)
      this.retention = new ExecutionRetention(db, { days: config.executionRetentionDays });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.cancellations.start();
    this.worker.start();
    this.requests.attachInProcessExecutor(this.worker);
    this.notifications.start();
    this.notifier.start();
    this.stranded.start();
    this.retention?.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.stranded.stop();
    await this.retention?.stop();
    await this.notifications.stop();
    await this.notifier.stop();
    await this.notificationsQueue.close();
    this.requests.attachInProcessExecutor(undefined);
    await this.worker.stop();
    await this.cancellations.close();
    await this.runtime.close();
  }
}
