import { Controller, Get, Param } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { IdParam, VersionParam } from '../http/path-params';
import { GetPackageTypesQuery } from './get-package-types/get-package-types.query';
import { ListBuildsQuery } from './list-builds/list-builds.query';

@ApiTags('builds')
@ApiBearerAuth()
@Controller('api/v1/scripts')
export class BuildsController {
  constructor(private readonly queries: QueryBus) {}

  /** The script's builds, newest first, each with its stored log. */
  @Get(':id/builds')
  list(@Param('id', IdParam.script) id: string) {
    return this.queries.execute(new ListBuildsQuery(id));
  }

  /** What the editor loads to know the imported packages' types. */
  @Get(':id/versions/:version/types')
  @ApiOperation({ summary: "the type declarations the version's latest successful build installed" })
  @ApiOkResponse({
    description:
      '{ scriptId, version, buildId, lockfileHash, files: { "node_modules/<pkg>/…": text }, bytes, omitted: { name, reason }[] }',
  })
  @ApiNotFoundResponse({ description: 'no such script or version, or no successful build of it (yet)' })
  types(@Param('id', IdParam.script) id: string, @Param('version', VersionParam) version: number) {
    return this.queries.execute(new GetPackageTypesQuery(id, version));
  }
}
