import { Inject, Logger, Module, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { AggregateRepository, Database, EventStore } from '@runlet/event-store';
import { LogStore } from '@runlet/logs';
import { ProcessRuntime } from '@runlet/runtime';
import { RUNLET_CONFIG, RunletConfig } from '../../api/src/platform/config';
import { ArtifactResolver } from './artifact-resolver';
import { Cancellations } from './cancellations';
import { ExecutionWorker } from './execution.worker';
import { ExecutionQueueModule } from './queue/execution-queue.module';
import { ExecutionResults } from './queue/execution-results';

const RUNTIME = Symbol('RUNTIME');

/** The `executor` role: runs execution jobs in the sandboxed process runtime. */
@Module({
  imports: [ExecutionQueueModule],
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
    { provide: ArtifactResolver, inject: [Database], useFactory: (db: Database) => new ArtifactResolver(db) },
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
        ),
    },
  ],
})
export class ExecutorModule implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    private readonly worker: ExecutionWorker,
    private readonly cancellations: Cancellations,
    @Inject(RUNTIME) private readonly runtime: ProcessRuntime,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.cancellations.start();
    this.worker.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.worker.stop();
    await this.cancellations.close();
    await this.runtime.close();
  }
}
