import { Body, Controller, Delete, Get, HttpCode, Param, Put, Req } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiParam, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';
import { SECRET_NAME } from '@runlet/domain';
import { metadataFor } from '../http/request-context';
import { DeleteSecretCommand } from './delete-secret/delete-secret.command';
import { ListSecretsQuery } from './list-secrets/list-secrets.query';
import { SetSecretCommand } from './set-secret/set-secret.command';

/** 64 KiB: room for a private key or a service-account JSON. */
const MAX_VALUE_LENGTH = 65_536;

class SetSecretDto {
  @ApiProperty({ description: 'the value; write-only, never answered', maxLength: MAX_VALUE_LENGTH })
  @IsString()
  @Length(1, MAX_VALUE_LENGTH)
  value: string;
}

const NAME_PARAM = { name: 'name', description: `matches ${SECRET_NAME.source}`, example: 'GITHUB_TOKEN' };

@ApiTags('secrets')
@ApiBearerAuth()
@Controller('api/v1/secrets')
export class SecretsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Get()
  @ApiOperation({ summary: 'builtin secrets: names, versions and when they changed, never values' })
  async list() {
    return { items: await this.queries.execute(new ListSecretsQuery()), nextCursor: null };
  }

  @Put(':name')
  @ApiOperation({
    summary: 'set a builtin secret (a new version); the value is encrypted and never shown again',
  })
  @ApiParam(NAME_PARAM)
  set(@Param('name') name: string, @Body() body: SetSecretDto, @Req() req: any) {
    return this.commands.execute(new SetSecretCommand(name, body.value, metadataFor(req)));
  }

  @Delete(':name')
  @HttpCode(204)
  @ApiOperation({ summary: 'delete a builtin secret; executions that declare it fail until it is set again' })
  @ApiParam(NAME_PARAM)
  async remove(@Param('name') name: string, @Req() req: any): Promise<void> {
    await this.commands.execute(new DeleteSecretCommand(name, metadataFor(req)));
  }
}
