import { Controller, Get, Param } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { IdParam } from '../http/path-params';
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
}
