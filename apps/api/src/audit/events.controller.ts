import { BadRequestException, Controller, Get, Param, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, IsUUID, Max, MaxLength, Min } from 'class-validator';
import { EventType } from '@runlet/domain';
import { IdParam } from '../http/path-params';
import { logSearchFilter } from '../http/log-search';
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
  @ApiPropertyOptional({
    description: 'recorded at or after: an ISO-8601 date (UTC midnight) or date-time with a zone',
  })
  @IsOptional()
  @IsString()
  from?: string;
  @ApiPropertyOptional({ description: 'recorded before (exclusive); same forms as from' })
  @IsOptional()
  @IsString()
  to?: string;
}

const EVENT_TYPES: readonly string[] = Object.values(EventType);

/** `type`: comma-separated event types, each one the domain records (a misspelt one is a 400, not an empty page). */
function eventTypes(raw: string | undefined): string[] | undefined {
  const types = (raw ?? '')
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean);
  const unknown = types.filter((t) => !EVENT_TYPES.includes(t));
  if (unknown.length > 0) {
    throw new BadRequestException(
      `type must be one or more event types (comma-separated, see docs/events.md), got ${unknown
        .map((t) => JSON.stringify(t))
        .join(', ')}`,
    );
  }
  return types.length ? types : undefined;
}

/** The page and the filters both lists take: stream, types, a time window. */
function pageAndFilter(q: EventsQueryDto) {
  // The time range takes the forms, and gets the 400s, of the log search's.
  const range = logSearchFilter({ from: q.from, to: q.to });
  return {
    after: q.after ?? 0,
    limit: q.limit ?? 100,
    streamId: q.stream || undefined,
    types: eventTypes(q.type),
    from: range.from?.toISOString(),
    to: range.to?.toISOString(),
  };
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
      ...pageAndFilter(q),
      correlationId: q.correlationId,
      eventId: q.eventId,
    };
    return this.queries.execute(new ListEventsQuery(filter));
  }

  /** The script's own stream plus the build, trigger and execution events that name it. */
  @Get('scripts/:id/history')
  history(@Param('id', IdParam.script) id: string, @Query() q: EventsQueryDto) {
    return this.queries.execute(new ReadScriptHistoryQuery(id, pageAndFilter(q)));
  }
}
