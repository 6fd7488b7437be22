import { Controller, Get, NotFoundException, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { LogStore } from '@runlet/logs';
import { BuildsQuery, ScriptsQuery } from '@runlet/read-models';
import { IdParam } from '../http/path-params';

/** Build logs are stored under this id (see the builder's BuildLog). */
const buildLogId = (buildId: string) => `build-${buildId}`;

@ApiTags('builds')
@ApiBearerAuth()
@Controller('api/v1/scripts')
export class BuildsController {
  constructor(
    private readonly scripts: ScriptsQuery,
    private readonly builds: BuildsQuery,
    private readonly logs: LogStore,
  ) {}

  /** The script's builds, newest first, each with its stored log. */
  @Get(':id/builds')
  async list(@Param('id', IdParam.script) id: string) {
    if (!(await this.scripts.summary(id))) throw new NotFoundException(`script ${id} not found`);
    const builds = await this.builds.list(id);
    const items = await Promise.all(
      builds.map(async (b) => ({ ...b, log: (await this.logs.read(buildLogId(b.id))).items })),
    );
    return { items, nextCursor: null };
  }
}
