import { Global, Module } from '@nestjs/common';
import { Database } from '@runlet/event-store';
import {
  ApiKeysProjection,
  ApiKeysQuery,
  ExecutionsProjection,
  ExecutionsQuery,
  ScriptsProjection,
  ScriptsQuery,
} from '@runlet/read-models';
import { PROJECTIONS, ProjectionRunnerService } from './projection-runner.service';

/** Projections that feed the API's queries, and the queries themselves. */
@Global()
@Module({
  providers: [
    { provide: PROJECTIONS, useFactory: () => [new ScriptsProjection(), new ApiKeysProjection(), new ExecutionsProjection()] },
    ProjectionRunnerService,
    { provide: ScriptsQuery, inject: [Database], useFactory: (db: Database) => new ScriptsQuery(db) },
    { provide: ApiKeysQuery, inject: [Database], useFactory: (db: Database) => new ApiKeysQuery(db) },
    { provide: ExecutionsQuery, inject: [Database], useFactory: (db: Database) => new ExecutionsQuery(db) },
  ],
  exports: [ProjectionRunnerService, ScriptsQuery, ApiKeysQuery, ExecutionsQuery],
})
export class ReadModelsModule {}
