import { Global, Module } from '@nestjs/common';
import { Database } from '@runlet/event-store';
import { ApiKeysProjection, ApiKeysQuery, ScriptsProjection, ScriptsQuery } from '@runlet/read-models';
import { PROJECTIONS, ProjectionRunnerService } from './projection-runner.service';

/** Projections that feed the API's queries, and the queries themselves. */
@Global()
@Module({
  providers: [
    { provide: PROJECTIONS, useFactory: () => [new ScriptsProjection(), new ApiKeysProjection()] },
    ProjectionRunnerService,
    { provide: ScriptsQuery, inject: [Database], useFactory: (db: Database) => new ScriptsQuery(db) },
    { provide: ApiKeysQuery, inject: [Database], useFactory: (db: Database) => new ApiKeysQuery(db) },
  ],
  exports: [ProjectionRunnerService, ScriptsQuery, ApiKeysQuery],
})
export class ReadModelsModule {}
