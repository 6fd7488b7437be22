import { Controller, Get, Param, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsISO8601, IsInt, IsOptional, IsString, IsUUID, Max, MaxLength, Min } from 'class-validator';
import { IdParam } from '../http/path-params';
import { ListEventsQuery } from './list-events/list-events.query';
import { ReadScriptHistoryQuery } from './read-script-history/read-script-history.query';

class EventsQueryDto {
  @ApiPropertyOptional() @IsOptional() @IsString() stream?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() type?: string;
  @ApiPropertyOptional()
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  after?: number;
  @ApiPropertyOptional() @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(1000) limit?: number;
  @ApiPropertyOptional({ description: "events whose metadata.correlationId is this (one request's events)" })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  correlationId?: string;
  @ApiPropertyOptional({ description: 'the one event with this eventId (a causationId to follow)' })
  @IsOptional()
  @IsUUID()
  eventId?: string;
  @ApiPropertyOptional({ description: 'recorded at or after this time' })
  @IsOptional()
  @IsISO8601()
  from?: string;
  @ApiPropertyOptional({ description: 'recorded before this time' }) @IsOptional() @IsISO8601() to?: string;
}

/** The audit log: events as stored, oldest first, paged by global position. */
@ApiTags('audit')
@ApiBearerAuth()
@Controller('api/v1')
export class EventsController {
  constructor(private readonly queries: QueryBus) {}

  @Get('events')
  list(@Query() q: EventsQueryDto) {
    const filter = {
      after: q.after ?? 0,
      limit: q.limit ?? 100,
      streamId: q.stream,
      types: q.type ? q.type.split(',') : undefined,
      correlationId: q.correlationId,
      eventId: q.eventId,
      from: q.from,
      to: q.to,
    };
    return this.queries.execute(new ListEventsQuery(filter));
  }

  /** The script's own stream plus the build, trigger and execution events that name it. */
  @Get('scripts/:id/history')
  history(@Param('id', IdParam.script) id: string, @Query() q: EventsQueryDto) {
    return this.queries.execute(
      new ReadScriptHistoryQuery(id, { after: q.after ?? 0, limit: q.limit ?? 100 }),
    );
  }
}
