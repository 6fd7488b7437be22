import { DynamicModule, Global, Inject, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';
import { AggregateRepository, Database, EventHints, EventStore } from '@runlet/event-store';
import { domainUpcasters } from '@runlet/domain';
import { LogStore, logLinesAttachment } from '@runlet/logs';
import { loadMasterKey, SecretValues } from '@runlet/secrets';
import { RUNLET_CONFIG, RunletConfig } from './config';
import { platformMigrations } from './migrations';
import { appendCounter } from './metrics';

export const REDIS = Symbol('REDIS');

/** The shared infrastructure every role uses: config, database, event store, Redis. */
@Global()
@Module({
  providers: [
    {
      provide: Database,
      inject: [RUNLET_CONFIG],
      useFactory: async (config: RunletConfig) => {
        const db = new Database({
          url: config.databaseUrl,
          type: config.databaseType,
          migrations: platformMigrations,
        });
        await db.migrate();
        return db;
      },
    },
    {
      provide: EventHints,
      inject: [RUNLET_CONFIG],
      useFactory: (c: RunletConfig) => new EventHints(c.redisUrl),
    },
    {
      provide: EventStore,
      inject: [Database, EventHints],
      useFactory: (db: Database, hints: EventHints) =>
        new EventStore(db, {
          attachment: logLinesAttachment, // an execution's outcome and its last log lines in one statement
          upcasters: domainUpcasters, // old events are read in their type's current shape
          onCommitted: (position) => {
            hints.publish(position);
            appendCounter.inc();
          },
        }),
    },
    {
      provide: AggregateRepository,
      inject: [EventStore],
      useFactory: (s: EventStore) => new AggregateRepository(s),
    },
    {
      provide: LogStore,
      inject: [Database, RUNLET_CONFIG],
      useFactory: (db: Database, c: RunletConfig) => new LogStore(db, c.redisUrl),
    },
    {
      // Builtin secrets' values, encrypted under the master key (loaded, or generated, once per process).
      provide: SecretValues,
      inject: [Database, RUNLET_CONFIG],
      useFactory: (db: Database, c: RunletConfig) => {
        const logger = new Logger('secrets');
        const key = loadMasterKey({ masterKey: c.secrets.masterKey, dataDir: c.dataDir }, (m) =>
          logger.warn(`\n\n    WARNING: ${m}\n`),
        );
        return new SecretValues(db, key);
      },
    },
    {
      provide: REDIS,
      inject: [RUNLET_CONFIG],
      useFactory: (c: RunletConfig) => new Redis(c.redisUrl, { maxRetriesPerRequest: null }),
    },
  ],
  exports: [Database, EventHints, EventStore, AggregateRepository, REDIS, LogStore, SecretValues],
})
export class PlatformModule implements OnApplicationShutdown {
  static forConfig(config: RunletConfig): DynamicModule {
    return {
      module: PlatformModule,
      providers: [{ provide: RUNLET_CONFIG, useValue: config }],
      exports: [RUNLET_CONFIG],
    };
  }

  constructor(
    private readonly db: Database,
    private readonly hints: EventHints,
    private readonly logs: LogStore,
    @Inject(REDIS) private readonly redis: Redis,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await this.logs.close();
    await this.hints.close();
    await this.redis.quit().catch(() => undefined);
    await this.db.close();
  }
}
