import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  NotFoundException,
  Param,
  PayloadTooLargeException,
  Post,
  Put,
  Query,
  Req,
} from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { randomUUID } from 'node:crypto';
import { MAX_CODE_BYTES, ScriptCommand } from '@runlet/domain';
import { ScriptsQuery } from '@runlet/read-models';
import { IdParam, VersionParam } from '../http/path-params';
import { metadataFor } from '../http/request-context';
import { ExecuteScriptCommand } from './script.command';
import { CreateScriptDto, DeployDto, ListQueryDto, SaveScriptDto } from './scripts.dto';

@ApiTags('scripts')
@ApiBearerAuth()
@Controller('api/v1/scripts')
export class ScriptsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly scripts: ScriptsQuery,
  ) {}

  @Post()
  async create(@Body() body: CreateScriptDto, @Req() req: any) {
    assertCodeSize(body.code);
    const scriptId = randomUUID();
    const { name, ...spec } = body;
    await this.run(scriptId, { type: 'CreateScript', scriptId, name, spec }, req);
    return { ...(await this.detail(scriptId)), version: 1 };
  }

  @Get()
  list(@Query() query: ListQueryDto) {
    return this.scripts.list(query);
  }

  @Get(':id')
  detail(@Param('id', IdParam.script) id: string) {
    return this.findDetail(id);
  }

  @Put(':id')
  async save(@Param('id', IdParam.script) id: string, @Body() body: SaveScriptDto, @Req() req: any) {
    if (typeof body.code === 'string') assertCodeSize(body.code);
    const { name, expectedVersion, ...spec } = body;
    await this.findDetail(id);
    const result = await this.run(id, { type: 'SaveScriptVersion', name, spec, expectedVersion }, req);
    return { ...(await this.findDetail(id)), version: result.state?.latestVersion };
  }

  @Delete(':id')
  @HttpCode(204)
  async archive(@Param('id', IdParam.script) id: string, @Req() req: any) {
    await this.findDetail(id);
    await this.run(id, { type: 'ArchiveScript' }, req);
  }

  @Get(':id/versions')
  async versions(@Param('id', IdParam.script) id: string) {
    await this.findDetail(id);
    return { items: await this.scripts.versions(id), nextCursor: null };
  }

  @Get(':id/versions/:version')
  async version(@Param('id', IdParam.script) id: string, @Param('version', VersionParam) version: number) {
    await this.findDetail(id);
    const found = await this.scripts.version(id, version);
    if (!found) throw new NotFoundException(`script ${id} has no version ${version}`);
    return found;
  }

  @Post(':id/deploy')
  async deploy(@Param('id', IdParam.script) id: string, @Body() body: DeployDto, @Req() req: any) {
    await this.findDetail(id);
    await this.run(id, { type: 'DeployScriptVersion', version: body.version, reason: 'manual deploy' }, req);
    return this.findDetail(id);
  }

  /** Saves the same spec as a new version whose build re-resolves every range (`changes` shows what moved). */
  @Post(':id/dependencies/upgrade')
  @HttpCode(202)
  async upgradeDependencies(@Param('id', IdParam.script) id: string, @Req() req: any) {
    await this.findDetail(id);
    const command: ScriptCommand = {
      type: 'SaveScriptVersion',
      spec: {},
      reason: 'dependency upgrade',
      upgrade: true,
    };
    const result = await this.run(id, command, req);
    return { ...(await this.findDetail(id)), version: result.state?.latestVersion };
  }

  private run(scriptId: string, command: ScriptCommand, req: any) {
    return this.commands.execute(new ExecuteScriptCommand(scriptId, command, metadataFor(req)));
  }

  private async findDetail(id: string) {
    const detail = await this.scripts.detail(id);
    if (!detail) throw new NotFoundException(`script ${id} not found`);
    return {
      ...detail,
      // Until the latest version's build is projected, that build is pending (not the previous one's state).
      build:
        detail.build && (detail.build.version ?? 0) >= detail.latestVersion
          ? detail.build
          : { status: 'pending', version: detail.latestVersion },
      versions: (await this.scripts.versions(id)).map((v) => ({
        version: v.version,
        createdAt: v.createdAt,
        actor: v.actor,
      })),
    };
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
