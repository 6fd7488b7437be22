import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Patch, Post, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { ConflictError, NotFoundError } from '@runlet/domain';
import { ExecutionRequests } from '@runlet/executions';
import { ScriptsQuery, TriggersQuery } from '@runlet/read-models';
import { IdParam } from '../http/path-params';
import { RUNLET_CONFIG, RunletConfig } from '@runlet/platform';
import { metadataFor } from '../http/request-context';
import { TriggerCommands } from './trigger-commands.service';
import { toTriggerView } from './trigger-view';
import { CreateTriggerDto, RotateSecretDto, RunTriggerDto, UpdateTriggerDto } from './triggers.dto';

@ApiTags('triggers')
@ApiBearerAuth()
@Controller('api/v1')
export class TriggersController {
  constructor(
    private readonly commands: TriggerCommands,
    private readonly triggers: TriggersQuery,
    private readonly scripts: ScriptsQuery,
    private readonly requests: ExecutionRequests,
    @Inject(RUNLET_CONFIG) private readonly config: RunletConfig,
  ) {}

  @Post('scripts/:id/triggers')
  async create(
    @Param('id', IdParam.script) scriptId: string,
    @Body() body: CreateTriggerDto,
    @Req() req: any,
  ) {
    const { id, secret } = await this.commands.create(scriptId, body, metadataFor(req));
    return { ...(await this.view(id)), ...(secret ? { secret } : {}) };
  }

  @Get('scripts/:id/triggers')
  async list(@Param('id', IdParam.script) scriptId: string) {
    if (!(await this.scripts.summary(scriptId))) throw new NotFoundError(`script ${scriptId} not found`);
    const items = await this.triggers.byScript(scriptId);
    return { items: items.map((t) => toTriggerView(t, this.config.publicUrl)), nextCursor: null };
  }

  @Get('triggers/:id')
  one(@Param('id', IdParam.trigger) id: string) {
    return this.view(id);
  }

  @Patch('triggers/:id')
  async update(@Param('id', IdParam.trigger) id: string, @Body() body: UpdateTriggerDto, @Req() req: any) {
    await this.view(id);
    await this.commands.update(id, body, metadataFor(req));
    return this.view(id);
  }

  @Delete('triggers/:id')
  @HttpCode(204)
  async remove(@Param('id', IdParam.trigger) id: string, @Req() req: any) {
    await this.view(id);
    await this.commands.delete(id, metadataFor(req));
  }

  /** A new token/HMAC secret, shown once; the previous one stays valid for the grace period. */
  @Post('triggers/:id/rotate-secret')
  async rotate(@Param('id', IdParam.trigger) id: string, @Body() body: RotateSecretDto, @Req() req: any) {
    const trigger = await this.row(id);
    if (trigger.type !== 'http' || trigger.auth === 'none') {
      throw new ConflictError('only webhook triggers with token or hmac auth have a secret');
    }
    const graceSeconds = body.graceSeconds ?? 3600;
    const secret = await this.commands.rotateSecret(id, trigger.auth, graceSeconds, metadataFor(req));
    return {
      ...(await this.view(id)),
      secret,
      previousSecretValidUntil: new Date(Date.now() + graceSeconds * 1000),
    };
  }

  /** "Run now": one execution of the trigger's script with the trigger's input. */
  @Post('triggers/:id/run')
  @HttpCode(202)
  async runNow(@Param('id', IdParam.trigger) id: string, @Body() body: RunTriggerDto, @Req() req: any) {
    const trigger = await this.row(id);
    const script = await this.scripts.summary(trigger.scriptId);
    if (!script?.deployedVersion)
      throw new ConflictError(`script ${trigger.scriptId} has no successfully built version yet`);
    const { executionId } = await this.requests.queueExecution(
      {
        scriptId: trigger.scriptId,
        version: script.deployedVersion,
        trigger: { type: 'manual', id },
        input: body.input ?? trigger.input ?? null,
        fired: { triggerId: id, source: 'manual', firedAt: new Date().toISOString() },
      },
      metadataFor(req),
    );
    return { executionId };
  }

  private async row(id: string) {
    const trigger = await this.triggers.byId(id);
    if (!trigger) throw new NotFoundError(`trigger ${id} not found`);
    return trigger;
  }

  private async view(id: string) {
    return toTriggerView(await this.row(id), this.config.publicUrl);
  }
}
