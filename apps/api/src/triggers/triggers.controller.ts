import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Req } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { IdParam } from '../http/path-params';
import { metadataFor } from '../http/request-context';
import { CreateTriggerCommand } from './create-trigger/create-trigger.command';
import { DeleteTriggerCommand } from './delete-trigger/delete-trigger.command';
import { GetTriggerQuery } from './get-trigger/get-trigger.query';
import { ListTriggersQuery } from './list-triggers/list-triggers.query';
import { RotateTriggerSecretCommand } from './rotate-trigger-secret/rotate-trigger-secret.command';
import { RunTriggerCommand } from './run-trigger/run-trigger.command';
import {
  AddTriggerSecretDto,
  CreateTriggerDto,
  RotateSecretDto,
  RunTriggerDto,
  UpdateTriggerDto,
} from './triggers.dto';
import { AddTriggerSecretCommand } from './trigger-secrets/add-trigger-secret.command';
import { ListTriggerSecretsQuery } from './trigger-secrets/list-trigger-secrets.query';
import { RetireTriggerSecretCommand } from './trigger-secrets/retire-trigger-secret.command';
import { UpdateTriggerCommand } from './update-trigger/update-trigger.command';

@ApiTags('triggers')
@ApiBearerAuth()
@Controller('api/v1')
export class TriggersController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Post('scripts/:id/triggers')
  @ApiOperation({
    summary: 'Create a cron or webhook trigger',
    description:
      'A webhook trigger may verify its sender with a preset (github, stripe, standard-webhooks, slack, shopify, ' +
      "twilio, linear, discord, gitlab) or a generic hmac; `secret` is the sender's (generated and answered once " +
      "when omitted), `publicKey` is Discord's. See docs/webhooks.md for each sender's set-up.",
  })
  async create(
    @Param('id', IdParam.script) scriptId: string,
    @Body() body: CreateTriggerDto,
    @Req() req: any,
  ) {
    const { id, secret } = await this.commands.execute(
      new CreateTriggerCommand(scriptId, body, metadataFor(req)),
    );
    return { ...(await this.one(id)), ...(secret ? { secret } : {}) };
  }

  @Get('scripts/:id/triggers')
  list(@Param('id', IdParam.script) scriptId: string) {
    return this.queries.execute(new ListTriggersQuery(scriptId));
  }

  @Get('triggers/:id')
  one(@Param('id', IdParam.trigger) id: string) {
    return this.queries.execute(new GetTriggerQuery(id));
  }

  @Patch('triggers/:id')
  @ApiOperation({
    summary: "Edit, pause or resume a trigger; change a webhook trigger's auth and its options",
    description: 'A secret Runlet had to generate for a new auth scheme is answered once, as `secret`.',
  })
  async update(@Param('id', IdParam.trigger) id: string, @Body() body: UpdateTriggerDto, @Req() req: any) {
    await this.one(id);
    const { secret } = await this.commands.execute(new UpdateTriggerCommand(id, body, metadataFor(req)));
    return { ...(await this.one(id)), ...(secret ? { secret } : {}) };
  }

  @Post('triggers/:id/secrets')
  @ApiOperation({
    summary: 'Add a webhook secret (rotation: old and new both verify until one is retired)',
    description:
      'Answers 201 {id, createdAt} and, when `secret` was omitted, the generated `secret` (shown once).',
  })
  addSecret(@Param('id', IdParam.trigger) id: string, @Body() body: AddTriggerSecretDto, @Req() req: any) {
    return this.commands.execute(new AddTriggerSecretCommand(id, body.secret, metadataFor(req)));
  }

  @Get('triggers/:id/secrets')
  @ApiOperation({ summary: "A webhook trigger's accepted secrets: ids and dates, never values" })
  listSecrets(@Param('id', IdParam.trigger) id: string) {
    return this.queries.execute(new ListTriggerSecretsQuery(id));
  }

  @Delete('triggers/:id/secrets/:secretId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Retire a webhook secret: deliveries signed with it are refused from now on' })
  async retireSecret(
    @Param('id', IdParam.trigger) id: string,
    @Param('secretId', IdParam.secret) secretId: string,
    @Req() req: any,
  ) {
    await this.one(id);
    await this.commands.execute(new RetireTriggerSecretCommand(id, secretId, metadataFor(req)));
  }

  @Delete('triggers/:id')
  @HttpCode(204)
  async remove(@Param('id', IdParam.trigger) id: string, @Req() req: any) {
    await this.one(id);
    await this.commands.execute(new DeleteTriggerCommand(id, metadataFor(req)));
  }

  /** A new token/HMAC secret, shown once; the previous one stays valid for the grace period. */
  @Post('triggers/:id/rotate-secret')
  async rotate(@Param('id', IdParam.trigger) id: string, @Body() body: RotateSecretDto, @Req() req: any) {
    const rotated = await this.commands.execute(
      new RotateTriggerSecretCommand(id, body.graceSeconds ?? 3600, metadataFor(req)),
    );
    return { ...(await this.one(id)), ...rotated };
  }

  /** "Run now": one execution of the trigger's script with the trigger's input. */
  @Post('triggers/:id/run')
  @HttpCode(202)
  runNow(@Param('id', IdParam.trigger) id: string, @Body() body: RunTriggerDto, @Req() req: any) {
    return this.commands.execute(new RunTriggerCommand(id, body.input, metadataFor(req)));
  }
}
