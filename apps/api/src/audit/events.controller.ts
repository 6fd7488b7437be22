import { Controller, Get, NotFoundException, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, Min } from 'class-validator';
import { Database, EventStore, readScriptEvents, StoredEvent } from '@runlet/event-store';
import { ScriptsQuery } from '@runlet/read-models';
import { IdParam } from '../http/path-params';

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
}

/** The audit log: events as stored, oldest first, paged by global position. */
@ApiTags('audit')
@ApiBearerAuth()
@Controller('api/v1')
export class EventsController {
  constructor(
    private readonly store: EventStore,
    private readonly db: Database,
    private readonly scripts: ScriptsQuery,
  ) {}

  @Get('events')
  async list(@Query() q: EventsQueryDto) {
    const limit = q.limit ?? 100;
    const events = await this.store.readAll({
      after: q.after ?? 0,
      limit,
      streamId: q.stream,
      types: q.type ? q.type.split(',') : undefined,
    });
    return page(events, limit);
  }

  /** The script's own stream plus the build, trigger and execution events that name it. */
  @Get('scripts/:id/history')
  async history(@Param('id', IdParam.script) id: string, @Query() q: EventsQueryDto) {
    if (!(await this.scripts.summary(id))) throw new NotFoundException(`script ${id} not found`);
    const limit = q.limit ?? 100;
    const events = await readScriptEvents(this.db, this.store, id, { after: q.after ?? 0, limit });
    return page(events, limit);
  }
}

function page(events: StoredEvent[], limit: number) {
  const items = events.map((e) => ({
    position: e.position,
    streamId: e.streamId,
    streamVersion: e.streamVersion,
    eventId: e.eventId,
    type: e.type,
    schemaVersion: e.schemaVersion,
    data: e.data,
    metadata: e.metadata,
    recordedAt: e.recordedAt,
  }));
  return { items, nextCursor: items.length === limit ? String(items[items.length - 1].position) : null };
}
