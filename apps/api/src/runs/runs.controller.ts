import { Body, Controller, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { randomUUID } from 'node:crypto';
import { ConflictError, NotFoundError } from '@runlet/domain';
import { BuildError } from '@runlet/build';
import { ExecutionRequests } from '@runlet/executions';
import { LogStore } from '@runlet/logs';
import { IdParam } from '../http/path-params';
import { metadataFor } from '../http/request-context';
import { ExecutionLookup } from '../executions/execution-lookup.service';
import { RunScriptDto, TryDto } from '../executions/executions.dto';
import { ScriptSummaryCache } from './script-summary-cache';
import { TryBuilder } from './try-builder';

/** Longest a request waits for a result before answering 202 with the execution id. */
const MAX_SYNC_WAIT_MS = 60_000;

@ApiTags('runs')
@ApiBearerAuth()
@Controller('api/v1')
export class RunsController {
  constructor(
    private readonly summaries: ScriptSummaryCache,
    private readonly requests: ExecutionRequests,
    private readonly lookup: ExecutionLookup,
    private readonly logs: LogStore,
    private readonly tryBuilder: TryBuilder,
  ) {}

  /** Manual run: 202 {executionId}, or with `wait` the finished execution. */
  @Post('scripts/:id/runs')
  async run(
    @Param('id', IdParam.script) id: string,
    @Body() body: RunScriptDto,
    @Req() req: any,
    @Res() res: any,
  ) {
    const script = await this.summaries.get(id);
    if (!script) throw new NotFoundError(`script ${id} not found`);
    const version = body.version ?? script.deployedVersion;
    if (!version) {
      throw new ConflictError(
        `script ${id} has no successfully built version yet (build: ${script.build?.status ?? 'pending'})`,
      );
    }
    if (version > script.latestVersion) throw new NotFoundError(`script ${id} has no version ${version}`);
    const params = { scriptId: id, version, trigger: { type: 'manual' as const }, input: body.input ?? null };
    if (!body.wait) {
      const { executionId } = await this.requests.queueExecution(params, metadataFor(req));
      return res.status(202).json({ executionId });
    }
    const { executionId, finished } = await this.requests.queueAndWait(params, metadataFor(req), {
      newId: true,
      waitMs: MAX_SYNC_WAIT_MS,
    });
    if (!finished) return res.status(202).json({ executionId });
    return res.status(200).json(finished);
  }

  /** Builds and runs unsaved code; answers with the finished execution and its logs. */
  @Post('try')
  @HttpCode(200)
  async try(@Body() body: TryDto, @Req() req: any) {
    const executionId = randomUUID();
    const metadata = metadataFor(req);
    const base = { scriptId: null, version: 0, trigger: { type: 'try' as const }, input: body.input ?? null };
    let artifactDir: string;
    try {
      const built = await this.tryBuilder.builder.build({
        scriptId: `try-${executionId}`,
        version: 1,
        code: body.code,
        language: body.language ?? 'typescript',
        dependencies: body.dependencies ?? {},
      });
      artifactDir = built.artifactDir;
    } catch (err) {
      if (!(err instanceof BuildError)) throw err;
      return this.recordBuildFailure(executionId, base, err, metadata);
    }
    const limits = {
      timeoutMs: body.timeoutMs ?? 30_000,
      memoryMb: body.memoryMb ?? 256,
      network: body.network ?? 'egress',
    };
    const { finished } = await this.requests.queueAndWait(
      { ...base, executionId, artifactDir, limits },
      metadata,
      { newId: true, waitMs: MAX_SYNC_WAIT_MS },
    );
    const view = finished ?? (await this.lookup.view(executionId));
    return { ...view, logs: (await this.logs.read(executionId, { limit: 5000 })).items };
  }

  /** A try-out that does not build is still an execution: queued, then failed with the build error. */
  private async recordBuildFailure(executionId: string, base: any, err: BuildError, metadata: any) {
    const message = `build failed: ${err.reason}`;
    await this.requests.recordFailedBuild({ ...base, executionId }, message, metadata);
    this.logs.write(executionId, {
      seq: 0,
      ts: new Date().toISOString(),
      level: 'error',
      stream: 'system',
      message: err.log || message,
    });
    await this.logs.flush(executionId);
    this.logs.end(executionId);
    const view = await this.lookup.view(executionId);
    return { ...view, logs: (await this.logs.read(executionId)).items };
  }
}
