import { Body, Controller, Delete, Get, HttpCode, Param, Post, Req } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';
import { IdParam } from '../http/path-params';
import { metadataFor } from '../http/request-context';
import { CreateApiKeyCommand } from './create-api-key/create-api-key.command';
import { ListApiKeysQuery } from './list-api-keys/list-api-keys.query';
import { RevokeApiKeyCommand } from './revoke-api-key/revoke-api-key.command';

class CreateApiKeyDto {
  @ApiProperty() @IsString() @Length(1, 100) name: string;
}

@ApiTags('api keys')
@ApiBearerAuth()
@Controller('api/v1/api-keys')
export class ApiKeysController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Post()
  async create(@Body() body: CreateApiKeyDto, @Req() req: any) {
    const { id, key } = await this.commands.execute(new CreateApiKeyCommand(body.name, metadataFor(req)));
    return { id, name: body.name, key };
  }

  @Get()
  async list() {
    return { items: await this.queries.execute(new ListApiKeysQuery()), nextCursor: null };
  }

  @Delete(':id')
  @HttpCode(204)
  async revoke(@Param('id', IdParam.apiKey) id: string, @Req() req: any) {
    await this.commands.execute(new RevokeApiKeyCommand(id, metadataFor(req)));
  }
}
