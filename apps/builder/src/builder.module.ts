import { Inject, Injectable, Module, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { Queue, QueueOptions } from 'bullmq';
import {
  AggregateRepository,
  Database,
  EventHints,
  EventStore,
  SubscriptionRunner,
} from '@runlet/event-store';
import { LogStore } from '@runlet/logs';
// The platform (config, database, event store, log store) comes from the host process's PlatformModule.
import { RUNLET_CONFIG, RunletConfig } from '@runlet/platform';
import {
  ImageBuilder,
  PackageTypesTable,
  ScriptBuilder,
  loadBuilderSettings,
  scriptBuilderOptions,
} from '@runlet/build';
import { harnessDir } from '@runlet/runtime';
import { BuildHistory } from './builds/build-history';
import { BuildRequestsProcessManager } from './builds/build-requests.process-manager';
import { BUILDS_QUEUE, BuildJobData, queueOptions } from './builds/build-queue';
import { BuildRunner } from './builds/build-runner';
import { BuildWorker } from './builds/build.worker';
import { StoreGarbageCollector } from './builds/store-gc';
import { ImageGarbageCollector } from './builds/image-gc';

/** The builder role: turns saved script versions into built, deployed artifacts. */
@Injectable()
export class BuilderService implements OnModuleInit, OnApplicationShutdown {
  private readonly settings = loadBuilderSettings();
  private readonly queue: Queue<BuildJobData>;
  private readonly requests: SubscriptionRunner;
  private readonly builder: ScriptBuilder;
  readonly gc: StoreGarbageCollector;
  readonly imageGc?: ImageGarbageCollector;
  readonly runner: BuildRunner;
  private worker?: BuildWorker;
  private readonly queueOpts: QueueOptions;

  constructor(
    @Inject(RUNLET_CONFIG) config: RunletConfig,
    db: Database,
    store: EventStore,
    hints: EventHints,
    repo: AggregateRepository,
    logs: LogStore,
  ) {
    this.queueOpts = queueOptions(config.redisUrl, config.databaseUrl);
    this.queue = new Queue<BuildJobData>(BUILDS_QUEUE, this.queueOpts);
    this.requests = new SubscriptionRunner(
      db,
      store,
      new BuildRequestsProcessManager(store, this.queue),
      hints,
      { pollMs: 1000, minIntervalMs: 20, lazyCheckpoints: true },
    );
    const packageTypes = new PackageTypesTable(db);
    this.builder = new ScriptBuilder({
      dataDir: config.dataDir,
      concurrency: this.settings.concurrency,
      packageTypes,
      ...scriptBuilderOptions(this.settings),
    });
    const history = new BuildHistory(db, store);
    const images = this.settings.images
      ? new ImageBuilder({ ...this.settings.images, harnessDir: harnessDir() })
      : undefined;
    this.runner = new BuildRunner(repo, store, history, this.builder, logs, images);
    this.imageGc = images && new ImageGarbageCollector(images, history, this.settings.gcKeepMs);
    this.gc = new StoreGarbageCollector(
      this.builder,
      history,
      this.settings.gcKeepMs,
      this.imageGc,
      packageTypes,
    );
  }

  onModuleInit(): void {
    this.worker = new BuildWorker(
      this.runner,
      this.queueOpts,
      this.settings.concurrency,
      this.settings.lockMs,
    );
    this.requests.start();
    this.gc.start(this.settings.gcIntervalMs);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.requests.stop();
    await this.gc.stop();
    await this.worker?.close();
    await this.queue.close();
    await this.builder.close();
  }
}

@Module({ providers: [BuilderService], exports: [BuilderService] })
export class BuilderModule {}
