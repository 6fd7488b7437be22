import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { randomUUID } from 'node:crypto';
import { BuildError } from '@runlet/build';
import { AggregateRepository, EventMetadata } from '@runlet/event-store';
import { ExecutionRequests, ExecutionView, toExecutionView } from '@runlet/executions';
import { LogStore } from '@runlet/logs';
import { loadExecution } from '../../executions/execution-state';
import { MAX_SYNC_WAIT_MS } from '../sync-wait';
import { TryBuilder } from '../try-builder';
import { TryAnswer, TryScriptCommand } from './try-script.command';

/** Queues through ExecutionRequests, which owns every write to an execution stream. */
@CommandHandler(TryScriptCommand)
export class TryScriptHandler implements ICommandHandler<TryScriptCommand> {
  constructor(
    private readonly requests: ExecutionRequests,
    private readonly repo: AggregateRepository,
    private readonly logs: LogStore,
    private readonly tryBuilder: TryBuilder,
  ) {}

  async execute({ tryOut: body, metadata }: TryScriptCommand): Promise<TryAnswer> {
    const executionId = randomUUID();
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
      await this.recordBuildFailure(executionId, base, err, metadata);
      return body.wait === false ? { executionId } : this.withLogs(executionId);
    }
    const limits = {
      timeoutMs: body.timeoutMs ?? 30_000,
      memoryMb: body.memoryMb ?? 256,
      network: body.network ?? 'egress',
      ...(body.secrets?.length ? { secrets: body.secrets } : {}),
    };
    const params = { ...base, executionId, artifactDir, limits };
    if (body.wait === false) {
      // Recorded as queued before the answer, so its log stream and GET /executions/:id find it.
      await this.requests.queueExecution(params, metadata, { runHere: true });
      return { executionId };
    }
    const { finished } = await this.requests.queueAndWait(params, metadata, {
      newId: true,
      waitMs: MAX_SYNC_WAIT_MS,
    });
    return this.withLogs(executionId, finished);
  }

  private async withLogs(executionId: string, finished?: ExecutionView | null) {
    const view = finished ?? toExecutionView(await loadExecution(this.repo, executionId));
    return { ...view, logs: (await this.logs.read(executionId, { limit: 5000 })).items };
  }

  /** A try-out that does not build is still an execution: queued, then failed with the build error. */
  private async recordBuildFailure(executionId: string, base: any, err: BuildError, metadata: EventMetadata) {
    const message = `build failed: ${err.reason}`;
    // The line is stored before the execution is recorded as failed (a tail that finds it over
    // reads the store once and ends), and no tail can find it before: so no end message is needed.
    this.logs.write(executionId, {
      seq: 0,
      ts: new Date().toISOString(),
      level: 'error',
      stream: 'system',
      message: err.log || message,
    });
    await this.logs.flush(executionId);
    await this.requests.recordFailedBuild({ ...base, executionId }, message, metadata);
  }
}
