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
import { createCloudWatchExport, LogRetention, LogStore } from '@runlet/logs';
import { ProcessRuntime, Runtime } from '@runlet/runtime';
import { SecretResolver, secretResolverFor, SecretValues } from '@runlet/secrets';
import { createRuntime } from './runtime-factory';
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
import { exposePoolMetrics } from './pool-metrics';

const RUNTIME = Symbol('RUNTIME');

/** The `executor` role: runs execution jobs in the installation's runtime (runtime-factory.ts). */
@Module({
  // Read models projected here too, so this role alone reads fresh rm_* tables (no api process needed).
  imports: [ReadModelsModule, ExecutionQueueModule],
  providers: [
    {
      provide: RUNTIME,
      inject: [RUNLET_CONFIG, ArtifactResolver],
      useFactory: (c: RunletConfig, artifacts: ArtifactResolver) => createRuntime(c, artifacts),
    },
    {
      provide: ArtifactResolver,
      inject: [Database, EventStore],
      useFactory: (db: Database, store: EventStore) => new ArtifactResolver(db, store),
    },
    {
      // Secrets are fetched here, for each execution that declares them (docs/secrets.md).
      provide: SecretResolver,
      inject: [RUNLET_CONFIG, Database, SecretValues],
      useFactory: (c: RunletConfig, db: Database, values: SecretValues) =>
        secretResolverFor(c.secrets, db, values),
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
        SecretResolver,
      ],
      useFactory: (
        c: RunletConfig,
        repo: AggregateRepository,
        store: EventStore,
        runtime: Runtime,
        artifacts: ArtifactResolver,
        logs: LogStore,
        results: ExecutionResults,
        cancellations: Cancellations,
        queue: Queue<ExecutionJobData>,
        secrets: SecretResolver,
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
          secrets,
        ),
    },
  ],
})
export class ExecutorModule implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly notificationsQueue: Queue<NotificationJobData>;
  private readonly notifications: SubscriptionRunner;
  private readonly notifier: NotificationWorker;
  private readonly stranded: StrandedExecutions;
  private unexposePool?: () => void;
  private readonly logRetention: LogRetention | undefined;
  private readonly executionRetention?: ExecutionRetention;

  constructor(
    private readonly worker: ExecutionWorker,
    private readonly cancellations: Cancellations,
    private readonly requests: ExecutionRequests,
    @Inject(RUNTIME) private readonly runtime: Runtime,
    @Inject(RUNLET_CONFIG) private readonly config: RunletConfig,
    db: Database,
    private readonly store: EventStore,
    private readonly hints: EventHints,
    private readonly artifacts: ArtifactResolver,
    private readonly logs: LogStore,
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
    // The executor writes the executions' lines, so it copies them to CloudWatch and expires them.
    const logsConfig = config.logs;
    if (logsConfig.retentionDays > 0) {
      const logger = new Logger('logs');
      this.logRetention = new LogRetention(db, {
        retentionDays: logsConfig.retentionDays,
        onError: (err) => logger.warn(`log retention sweep failed: ${(err as Error).message}`),
      });
    }
    if (config.executionRetentionDays)
      this.executionRetention = new ExecutionRetention(db, { days: config.executionRetentionDays });
  }

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.logs.sink === 'cloudwatch') {
      const logger = new Logger('logs');
      this.logs.exportTo(await createCloudWatchExport(this.config.logs.cloudwatch, (m) => logger.warn(m)));
    }
    await this.cancellations.start();
    const runtime = this.runtime;
    if (runtime instanceof ProcessRuntime) this.unexposePool = exposePoolMetrics(() => runtime.poolStats());
    await this.worker.prewarmer.watch(this.store, this.hints, this.artifacts);
    this.worker.start();
    this.requests.attachInProcessExecutor(this.worker);
    this.notifications.start();
    this.notifier.start();
    this.stranded.start();
    this.logRetention?.start();
    this.executionRetention?.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.logRetention?.stop();
    await this.stranded.stop();
    await this.executionRetention?.stop();
    await this.notifications.stop();
    await this.notifier.stop();
    await this.notificationsQueue.close();
    this.requests.attachInProcessExecutor(undefined);
    await this.worker.stop();
    await this.worker.prewarmer.stop();
    this.unexposePool?.();
    await this.cancellations.close();
    await this.runtime.close();
  }
}
