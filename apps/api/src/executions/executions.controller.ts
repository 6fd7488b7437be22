import { Controller, Get, Headers, HttpCode, Inject, Param, Post, Query, Req, Sse } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import Redis from 'ioredis';
import { Observable } from 'rxjs';
import { fromStored } from '@runlet/contracts';
import { ConflictError, isTerminal } from '@runlet/domain';
import { Cancellations, executionAggregate, ExecutionRequests } from '@runlet/executions';
import { AggregateRepository } from '@runlet/event-store';
import { LogStore } from '@runlet/logs';
import { ExecutionsQuery } from '@runlet/read-models';
import { IdParam } from '../http/path-params';
import { REDIS, ProjectionRunnerService } from '@runlet/platform';
import { metadataFor } from '../http/request-context';
import { ExecutionLookup } from './execution-lookup.service';
import { ListExecutionsDto, LogsQueryDto } from './executions.dto';
import { executionStreamId } from '@runlet/domain';

@ApiTags('executions')
@ApiBearerAuth()
@Controller('api/v1/executions')
export class ExecutionsController {
  constructor(
    private readonly executions: ExecutionsQuery,
    private readonly lookup: ExecutionLookup,
    private readonly logs: LogStore,
    private readonly requests: ExecutionRequests,
    private readonly repo: AggregateRepository,
    private readonly projections: ProjectionRunnerService,
    @Inject(REDIS) private readonly redis: Redis,
  ) {}

  @Get()
  async list(@Query() q: ListExecutionsDto) {
    await this.projections.catchUp();
    return this.executions.list(q);
  }

  @Get(':id')
  one(@Param('id', IdParam.execution) id: string) {
    return this.lookup.view(id);
  }

  @Get(':id/logs')
  async logsOf(@Param('id', IdParam.execution) id: string, @Query() q: LogsQueryDto) {
    await this.lookup.state(id);
    return this.logs.read(id, q);
  }

  /** Live tail as server-sent events: stored lines first, then new ones; `end` when it finishes. */
  @Sse(':id/logs/stream')
  async stream(
    @Param('id', IdParam.execution) id: string,
    @Query() q: LogsQueryDto,
    @Headers('last-event-id') lastEventId?: string,
  ): Promise<Observable<MessageEventLike>> {
    await this.lookup.state(id);
    const after = lastEventId !== undefined && /^\d{1,9}$/.test(lastEventId) ? Number(lastEventId) : q.after;
    return new Observable<MessageEventLike>((subscriber) => {
      let stop: (() => void) | undefined;
      let closed = false;
      this.logs
        .tail(
          id,
          { after },
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
    const state = await this.lookup.state(id);
    if (isTerminal(state.status))
      throw new ConflictError(`execution ${id} has already ${state.status.replace('_', ' ')}`);
    if (state.status === 'queued') {
      await this.repo
        .execute(
          executionStreamId(id),
          executionAggregate,
          { type: 'CancelExecution', reason: 'cancelled by request' },
          metadataFor(req),
        )
        .catch(() => undefined);
    }
    await Cancellations.request(this.redis, id);
    return this.lookup.view(id);
  }

  /** Runs again with the same version and input. */
  @Post(':id/replay')
  @HttpCode(202)
  async replay(@Param('id', IdParam.execution) id: string, @Req() req: any) {
    const s = await this.lookup.state(id);
    if (s.trigger.type === 'try')
      throw new ConflictError('a try-out cannot be replayed; save the script first');
    const { executionId } = await this.requests.queueExecution(
      {
        scriptId: s.scriptId,
        version: s.version,
        trigger: s.trigger,
        // Queued as the user's values again: the state holds them in stored form.
        input: fromStored(s.input),
        maxAttempts: s.maxAttempts,
        replayOf: s.id,
        ...(s.http ? { http: fromStored(s.http) } : {}),
        ...(s.cron ? { cron: s.cron } : {}),
      },
      metadataFor(req),
    );
    return { executionId };
  }
}

interface MessageEventLike {
  id?: string;
  type: string;
  data: unknown;
}
