import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  PayloadTooLargeException,
  Post,
  Put,
  Query,
  Req,
} from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { MAX_CODE_BYTES } from '@runlet/domain';
import { IdParam, VersionParam } from '../http/path-params';
import { metadataFor } from '../http/request-context';
import { ArchiveScriptCommand } from './archive-script/archive-script.command';
import { CreateScriptCommand } from './create-script/create-script.command';
import { DeployScriptVersionCommand } from './deploy-script-version/deploy-script-version.command';
import { GetScriptQuery } from './get-script/get-script.query';
import { GetScriptVersionQuery } from './get-script-version/get-script-version.query';
import { ListScriptVersionsQuery } from './list-script-versions/list-script-versions.query';
import { ListScriptsQuery } from './list-scripts/list-scripts.query';
import { SaveScriptVersionCommand } from './save-script-version/save-script-version.command';
import { CreateScriptDto, DeployDto, ListQueryDto, SaveScriptDto, ScriptLogsQueryDto } from './scripts.dto';
import { SearchScriptLogsQuery } from './search-script-logs/search-script-logs.query';

@ApiTags('scripts')
@ApiBearerAuth()
@Controller('api/v1/scripts')
export class ScriptsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Post()
  async create(@Body() body: CreateScriptDto, @Req() req: any) {
    assertCodeSize(body.code);
    const { name, ...spec } = body;
    const { scriptId } = await this.commands.execute(new CreateScriptCommand(name, spec, metadataFor(req)));
    return { ...(await this.detail(scriptId)), version: 1 };
  }

  @Get()
  list(@Query() query: ListQueryDto) {
    return this.queries.execute(new ListScriptsQuery(query));
  }

  @Get(':id')
  detail(@Param('id', IdParam.script) id: string) {
    return this.queries.execute(new GetScriptQuery(id));
  }

  @Put(':id')
  async save(@Param('id', IdParam.script) id: string, @Body() body: SaveScriptDto, @Req() req: any) {
    if (typeof body.code === 'string') assertCodeSize(body.code);
    const { name, expectedVersion, ...spec } = body;
    await this.detail(id);
    const { version } = await this.commands.execute(
      new SaveScriptVersionCommand(id, { name, spec, expectedVersion }, metadataFor(req)),
    );
    return { ...(await this.detail(id)), version };
  }

  @Delete(':id')
  @HttpCode(204)
  async archive(@Param('id', IdParam.script) id: string, @Req() req: any) {
    await this.detail(id);
    await this.commands.execute(new ArchiveScriptCommand(id, metadataFor(req)));
  }

  @Get(':id/versions')
  async versions(@Param('id', IdParam.script) id: string) {
    await this.detail(id);
    return { items: await this.queries.execute(new ListScriptVersionsQuery(id)), nextCursor: null };
  }

  /** Lines of all the script's executions, newest first (ts, then execution and seq), searched by text, level and time range. */
  @Get(':id/logs')
  @ApiOperation({ summary: "search one script's logs by text, level and time range" })
  @ApiOkResponse({
    description:
      '{ items: (log line & { executionId })[], nextCursor: string | null }, newest first; pass nextCursor as cursor for older lines',
  })
  logs(@Param('id', IdParam.script) id: string, @Query() query: ScriptLogsQueryDto) {
    const { cursor, limit, ...search } = query;
    return this.queries.execute(new SearchScriptLogsQuery(id, search, { cursor, limit }));
  }

  @Get(':id/versions/:version')
  async version(@Param('id', IdParam.script) id: string, @Param('version', VersionParam) version: number) {
    await this.detail(id);
    return this.queries.execute(new GetScriptVersionQuery(id, version));
  }

  @Post(':id/deploy')
  async deploy(@Param('id', IdParam.script) id: string, @Body() body: DeployDto, @Req() req: any) {
    await this.detail(id);
    await this.commands.execute(new DeployScriptVersionCommand(id, body.version, metadataFor(req)));
    return this.detail(id);
  }

  /** Saves the same spec as a new version whose build re-resolves every range (`changes` shows what moved). */
  @Post(':id/dependencies/upgrade')
  @HttpCode(202)
  async upgradeDependencies(@Param('id', IdParam.script) id: string, @Req() req: any) {
    await this.detail(id);
    const { version } = await this.commands.execute(
      new SaveScriptVersionCommand(
        id,
        { spec: {}, reason: 'dependency upgrade', upgrade: true },
        metadataFor(req),
      ),
    );
    return { ...(await this.detail(id)), version };
  }
}

function assertCodeSize(code: string): void {
  const bytes = Buffer.byteLength(code);
  if (bytes > MAX_CODE_BYTES) {
    throw new PayloadTooLargeException(
      `code is ${bytes} bytes; the limit is ${MAX_CODE_BYTES} bytes (1 MiB)`,
    );
  }
}
