import { Body, Controller, Delete, Get, HttpCode, Param, Post, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';
import { ApiKeysQuery } from '@runlet/read-models';
import { IdParam } from '../http/path-params';
import { metadataFor } from '../http/request-context';
import { ApiKeyCommands } from './api-key.commands';
import { ApiKeyGuard } from './api-key.guard';

class CreateApiKeyDto {
  @ApiProperty() @IsString() @Length(1, 100) name: string;
}

@ApiTags('api keys')
@ApiBearerAuth()
@Controller('api/v1/api-keys')
export class ApiKeysController {
  constructor(
    private readonly commands: ApiKeyCommands,
    private readonly keys: ApiKeysQuery,
    private readonly guard: ApiKeyGuard,
  ) {}

  @Post()
  async create(@Body() body: CreateApiKeyDto, @Req() req: any) {
    const { id, key } = await this.commands.create(body.name, metadataFor(req));
    return { id, name: body.name, key };
  }

  @Get()
  async list() {
    return { items: await this.keys.list(), nextCursor: null };
  }

  @Delete(':id')
  @HttpCode(204)
  async revoke(@Param('id', IdParam.apiKey) id: string, @Req() req: any) {
    await this.commands.revoke(id, metadataFor(req));
    this.guard.forget(id);
  }
}
