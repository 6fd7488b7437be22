import { Global, Module } from '@nestjs/common';
import { Database } from '@runlet/event-store';
import {
  ApiKeysProjection,
  ApiKeysQuery,
  BuildsProjection,
  BuildsQuery,
  ExecutionsProjection,
  ExecutionsQuery,
  ScriptsProjection,
  ScriptsQuery,
  SecretsProjection,
  SecretsQuery,
  TriggersProjection,
  TriggersQuery,
  TriggerSecretVault,
} from '@runlet/read-models';
import { PROJECTIONS, ProjectionRunnerService } from './projection-runner.service';

/** Projections that feed the API's queries, and the queries themselves. */
@Global()
@Module({
  providers: [
    {
      provide: PROJECTIONS,
      useFactory: () => [
        new ScriptsProjection(),
        new ApiKeysProjection(),
        new ExecutionsProjection(),
        new TriggersProjection(),
        new BuildsProjection(),
        new SecretsProjection(),
      ],
    },
    ProjectionRunnerService,
    { provide: ScriptsQuery, inject: [Database], useFactory: (db: Database) => new ScriptsQuery(db) },
    { provide: ApiKeysQuery, inject: [Database], useFactory: (db: Database) => new ApiKeysQuery(db) },
    { provide: ExecutionsQuery, inject: [Database], useFactory: (db: Database) => new ExecutionsQuery(db) },
    { provide: TriggersQuery, inject: [Database], useFactory: (db: Database) => new TriggersQuery(db) },
    {
      provide: TriggerSecretVault,
      inject: [Database],
      useFactory: (db: Database) => new TriggerSecretVault(db),
    },
    { provide: SecretsQuery, inject: [Database], useFactory: (db: Database) => new SecretsQuery(db) },
    { provide: BuildsQuery, inject: [Database], useFactory: (db: Database) => new BuildsQuery(db) },
  ],
  exports: [
    ProjectionRunnerService,
    ScriptsQuery,
    ApiKeysQuery,
    ExecutionsQuery,
    BuildsQuery,
    TriggersQuery,
    TriggerSecretVault,
    SecretsQuery,
  ],
})
export class ReadModelsModule {}
