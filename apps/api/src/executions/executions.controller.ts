import { Controller, Get, Headers, HttpCode, Param, Post, Query, Req, Sse } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Observable } from 'rxjs';
import { AggregateRepository } from '@runlet/event-store';
import { LogStore } from '@runlet/logs';
import { IdParam } from '../http/path-params';
import { metadataFor } from '../http/request-context';
import { isFinished } from './execution-state';
import { CancelExecutionCommand } from './cancel-execution/cancel-execution.command';
import { ListExecutionsDto, LogSearchQueryDto, LogsQueryDto } from './executions.dto';
import { GetExecutionQuery } from './get-execution/get-execution.query';
import { ListExecutionsQuery } from './list-executions/list-executions.query';
import { ReadExecutionLogsQuery } from './read-execution-logs/read-execution-logs.query';
import { ReplayExecutionCommand } from './replay-execution/replay-execution.command';

@ApiTags('executions')
@ApiBearerAuth()
@Controller('api/v1/executions')
export class ExecutionsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
    private readonly logs: LogStore,
    private readonly repo: AggregateRepository,
  ) {}

  @Get()
  list(@Query() q: ListExecutionsDto) {
    return this.queries.execute(new ListExecutionsQuery(q));
  }

  @Get(':id')
  one(@Param('id', IdParam.execution) id: string) {
    return this.queries.execute(new GetExecutionQuery(id));
  }

  /** Stored lines in seq order, paged by `after`; `q`, `level`, `from`, `to` search them (a 400 names a bad one). */
  @Get(':id/logs')
  @ApiOperation({ summary: "an execution's log lines, optionally searched by text, level and time range" })
  @ApiOkResponse({
    description:
      '{ items: log line[], nextCursor: string | null } (nextCursor: the last seq of a full page, for `after`)',
  })
  logsOf(@Param('id', IdParam.execution) id: string, @Query() query: LogSearchQueryDto) {
    const { after, limit, ...search } = query;
    return this.queries.execute(new ReadExecutionLogsQuery(id, { after, limit }, search));
  }

  /** Live tail as server-sent events: stored lines first, then new ones; `end` when it finishes (a subscription, not a query). */
  @Sse(':id/logs/stream')
  async stream(
    @Param('id', IdParam.execution) id: string,
    @Query() q: LogsQueryDto,
    @Headers('last-event-id') lastEventId?: string,
  ): Promise<Observable<MessageEventLike>> {
    await this.one(id); // 404 for an unknown execution
    const after = lastEventId !== undefined && /^\d{1,9}$/.test(lastEventId) ? Number(lastEventId) : q.after;
    return new Observable<MessageEventLike>((subscriber) => {
      let stop: (() => void) | undefined;
      let closed = false;
      this.logs
        .tail(
          id,
          // The end message is not kept: a tail that joins after it learns of the end from the record.
          { after, ended: () => isFinished(this.repo, id) },
          (line) => subscriber.next({ id: String(line.seq), type: 'log', data: line }),
          () => {
            subscriber.next({ type: 'end', data: { executionId: id } });
            subscriber.complete();
          },
        )
        .then((s) => (closed ? s() : (stop = s)))
        .catch((err) => subscriber.error(err));
      return () => {
        closed = true;
        stop?.();
      };
    });
  }

  /** Queued: cancelled at once. Running: the executor running it aborts the sandbox. */
  @Post(':id/cancel')
  @HttpCode(202)
  async cancel(@Param('id', IdParam.execution) id: string, @Req() req: any) {
    await this.commands.execute(new CancelExecutionCommand(id, metadataFor(req)));
    return this.one(id);
  }

  /** Runs again with the same version and input. */
  @Post(':id/replay')
  @HttpCode(202)
  replay(@Param('id', IdParam.execution) id: string, @Req() req: any) {
    return this.commands.execute(new ReplayExecutionCommand(id, metadataFor(req)));
  }
}

interface MessageEventLike {
  id?: string;
  type: string;
  data: unknown;
}
