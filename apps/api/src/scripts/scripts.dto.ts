import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsArray,
  IsIn,
  IsUrl,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  Validate,
} from 'class-validator';
import { RegistryDependencies } from '../builds/registry-dependencies.validator';
import { LogSearchFieldsDto } from '../http/log-search-fields.dto';

export class ScriptFieldsDto {
  @ApiPropertyOptional({ enum: ['typescript', 'javascript'] })
  @IsOptional()
  @IsIn(['typescript', 'javascript'])
  language?: 'typescript' | 'javascript';

  @ApiPropertyOptional({ description: 'npm package → version or range', example: { dayjs: '^1.11.0' } })
  @IsOptional()
  @IsObject()
  @Validate(RegistryDependencies)
  dependencies?: Record<string, string>;

  @ApiPropertyOptional({
    description: 'the secrets the script may read as ctx.secrets.NAME: NAME, builtin:NAME or infisical:NAME',
    type: [String],
    example: ['GITHUB_TOKEN', 'infisical:DB_URL'],
  })
  @IsOptional()
  @IsArray()
  @IsString({ each: true })
  @Matches(/^(?:(?:builtin|infisical):)?[A-Za-z_][A-Za-z0-9_]*$/, {
    each: true,
    message: 'secrets must be names like GITHUB_TOKEN, builtin:GITHUB_TOKEN or infisical:GITHUB_TOKEN',
  })
  secrets?: string[];

  @ApiPropertyOptional({ minimum: 100, maximum: 900000 })
  @IsOptional()
  @IsInt()
  timeoutMs?: number;

  @ApiPropertyOptional({ minimum: 32, maximum: 4096 })
  @IsOptional()
  @IsInt()
  memoryMb?: number;

  @ApiPropertyOptional({ enum: ['none', 'egress'] })
  @IsOptional()
  @IsIn(['none', 'egress'])
  network?: 'none' | 'egress';

  @ApiPropertyOptional({
    minimum: 1,
    maximum: 10,
    description: 'attempts of a failing execution (exponential backoff from 1 s)',
  })
  @IsOptional()
  @IsInt()
  maxAttempts?: number;

  @ApiPropertyOptional({
    description: 'called with the execution when it fails for good or times out (null: none)',
    nullable: true,
  })
  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'] })
  notifyUrl?: string | null;
}

export class CreateScriptDto extends ScriptFieldsDto {
  @ApiProperty({ example: 'hello' })
  @IsString()
  @Length(1, 100)
  name: string;

  @ApiProperty({ example: 'export default async (event, ctx) => ({ hello: "world" })' })
  @IsString()
  code: string;
}

export class SaveScriptDto extends ScriptFieldsDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 100) name?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() code?: string;

  @ApiPropertyOptional({ description: 'the latest version you saw; a different one answers 409' })
  @IsOptional()
  @IsInt()
  @Min(1)
  expectedVersion?: number;
}

export class DeployDto {
  @ApiProperty() @IsInt() @Min(1) version: number;
}

export class ListQueryDto {
  @ApiPropertyOptional() @IsOptional() @IsString() cursor?: string;
  @ApiPropertyOptional({ description: 'names containing this text (case-insensitive)' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  q?: string;
  @ApiPropertyOptional({ maximum: 200 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;
}

/** GET /scripts/:id/logs: the search (parsed by parseLogSearch, which words the 400s) and paging. */
export class ScriptLogsQueryDto extends LogSearchFieldsDto {
  @ApiPropertyOptional({ description: 'the nextCursor of the previous page' })
  @IsOptional()
  @IsString()
  cursor?: string;
  @ApiPropertyOptional({ default: 100, maximum: 1000 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;
}
