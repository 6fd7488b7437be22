import { NotFoundException } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { LogStore } from '@runlet/logs';
import { BuildsQuery, ScriptsQuery } from '@runlet/read-models';
import { ListBuildsQuery } from './list-builds.query';

/** Build logs are stored under this id (see the builder's BuildLog). */
const buildLogId = (buildId: string) => `build-${buildId}`;

@QueryHandler(ListBuildsQuery)
export class ListBuildsHandler implements IQueryHandler<ListBuildsQuery> {
  constructor(
    private readonly scripts: ScriptsQuery,
    private readonly builds: BuildsQuery,
    private readonly logs: LogStore,
  ) {}

  async execute({ scriptId }: ListBuildsQuery) {
    if (!(await this.scripts.summary(scriptId))) throw new NotFoundException(`script ${scriptId} not found`);
    const builds = await this.builds.list(scriptId);
    const items = await Promise.all(
      builds.map(async (b) => ({ ...b, log: (await this.logs.read(buildLogId(b.id))).items })),
    );
    return { items, nextCursor: null };
  }
}
