import { ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import { LogSearchFieldsDto } from '../http/log-search-fields.dto';
import { Type } from 'class-transformer';
import { MAX_INT } from '@runlet/domain';
import {
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
} from 'class-validator';

const EXECUTION_STATUSES = ['queued', 'running', 'succeeded', 'failed', 'timed_out', 'cancelled', 'skipped'];
const TRIGGER_TYPES = ['http', 'cron', 'manual', 'try'];

export class RunScriptDto {
  @ApiPropertyOptional({ description: 'passed to the script as event.input' })
  @IsOptional()
  input?: unknown;

  @ApiPropertyOptional({ description: 'a version with a successful build; default: the deployed one' })
  @IsOptional()
  @IsInt()
  @Min(1)
  version?: number;

  @ApiPropertyOptional({ description: 'answer with the finished execution instead of 202' })
  @IsOptional()
  @IsBoolean()
  wait?: boolean;
}

export class TryDto {
  @ApiPropertyOptional() @IsString() code: string;
  @ApiPropertyOptional({ enum: ['typescript', 'javascript'] })
  @IsOptional()
  @IsIn(['typescript', 'javascript'])
  language?: 'typescript' | 'javascript';
  @ApiPropertyOptional() @IsOptional() @IsObject() dependencies?: Record<string, string>;
  @ApiPropertyOptional({
    description: 'the secrets the try-out may read as ctx.secrets.NAME: NAME, builtin:NAME or infisical:NAME',
    type: [String],
  })
  @IsOptional()
  @IsArray()
  @IsString({ each: true })
  @Matches(/^(?:(?:builtin|infisical):)?[A-Za-z_][A-Za-z0-9_]*$/, {
    each: true,
    message: 'secrets must be names like GITHUB_TOKEN, builtin:GITHUB_TOKEN or infisical:GITHUB_TOKEN',
  })
  secrets?: string[];
  @ApiPropertyOptional() @IsOptional() input?: unknown;
  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(100) @Max(120_000) timeoutMs?: number;
  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(32) @Max(4096) memoryMb?: number;
  @ApiPropertyOptional({ enum: ['none', 'egress'] }) @IsOptional() @IsIn(['none', 'egress']) network?:
    'none' | 'egress';
  @ApiPropertyOptional({
    default: true,
    description:
      'false: answer 202 {executionId} once the code is built and queued, to follow the run (its log stream) live',
  })
  @IsOptional()
  @IsBoolean()
  wait?: boolean;
}

export class ListExecutionsDto {
  @ApiPropertyOptional() @IsOptional() @IsString() scriptId?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() triggerId?: string;
  @ApiPropertyOptional({ enum: EXECUTION_STATUSES })
  @IsOptional()
  @IsIn(EXECUTION_STATUSES)
  status?: string;
  @ApiPropertyOptional({ enum: TRIGGER_TYPES, description: 'what started it' })
  @IsOptional()
  @IsIn(TRIGGER_TYPES)
  triggerType?: string;
  @ApiPropertyOptional({
    description: 'queued at or after: an ISO-8601 date (UTC midnight) or date-time with a zone',
    example: '2025-01-31T00:00:00Z',
  })
  @IsOptional()
  @IsString()
  from?: string;
  @ApiPropertyOptional({
    description: 'queued before (exclusive); same forms as from; from must not be after to',
  })
  @IsOptional()
  @IsString()
  to?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() cursor?: string;
  @ApiPropertyOptional() @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(500) limit?: number;
}

export class LogsQueryDto {
  @ApiPropertyOptional({ description: 'only lines with a greater seq (a nextCursor)' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(MAX_INT)
  after?: number;
  @ApiPropertyOptional({ default: 1000, maximum: 5000 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(5000)
  limit?: number;
}

/** GET /executions/:id/logs: paging by seq, and the search both log endpoints take. */
export class LogSearchQueryDto extends IntersectionType(LogsQueryDto, LogSearchFieldsDto) {}
