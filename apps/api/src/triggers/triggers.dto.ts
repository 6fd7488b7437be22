import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, IsUrl, Max, Min } from 'class-validator';

export class CreateTriggerDto {
  @ApiProperty({ enum: ['cron', 'http'] }) @IsIn(['cron', 'http']) type: 'cron' | 'http';
  @ApiPropertyOptional({ example: '*/5 * * * *' }) @IsOptional() @IsString() schedule?: string;
  @ApiPropertyOptional({ example: 'Europe/Paris' }) @IsOptional() @IsString() timezone?: string;
  @ApiPropertyOptional() @IsOptional() input?: unknown;
  @ApiPropertyOptional({ enum: ['allow', 'skip', 'queue'] })
  @IsOptional()
  @IsIn(['allow', 'skip', 'queue'])
  overlap?: 'allow' | 'skip' | 'queue';
  @ApiPropertyOptional({ enum: ['none', 'latest'] }) @IsOptional() @IsIn(['none', 'latest']) catchUp?:
    'none' | 'latest';
  @ApiPropertyOptional({ enum: ['none', 'token', 'hmac'] })
  @IsOptional()
  @IsIn(['none', 'token', 'hmac'])
  auth?: 'none' | 'token' | 'hmac';
  @ApiPropertyOptional({ enum: ['sync', 'async'] }) @IsOptional() @IsIn(['sync', 'async']) mode?:
    'sync' | 'async';
  @ApiPropertyOptional({ description: 'called with the execution when it fails or times out' })
  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'] })
  notifyUrl?: string;
}

export class UpdateTriggerDto {
  @ApiPropertyOptional() @IsOptional() @IsBoolean() paused?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsString() schedule?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() timezone?: string;
  @ApiPropertyOptional() @IsOptional() input?: unknown;
  @ApiPropertyOptional() @IsOptional() @IsIn(['allow', 'skip', 'queue']) overlap?: 'allow' | 'skip' | 'queue';
  @ApiPropertyOptional() @IsOptional() @IsIn(['none', 'latest']) catchUp?: 'none' | 'latest';
  @ApiPropertyOptional() @IsOptional() @IsIn(['sync', 'async']) mode?: 'sync' | 'async';
  @ApiPropertyOptional()
  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'] })
  notifyUrl?: string;
}

export class RotateSecretDto {
  @ApiPropertyOptional({ description: 'how long the old secret stays valid', default: 3600 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(7 * 24 * 3600)
  graceSeconds?: number;
}

export class RunTriggerDto {
  @ApiPropertyOptional() @IsOptional() input?: unknown;
}
