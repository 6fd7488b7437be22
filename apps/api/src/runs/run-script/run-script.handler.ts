import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { ConflictError, NotFoundError } from '@runlet/domain';
import { ExecutionRequests } from '@runlet/executions';
import { ScriptSummaryCache } from '../script-summary-cache';
import { MAX_SYNC_WAIT_MS } from '../sync-wait';
import { RunScriptCommand } from './run-script.command';

/** Queues through ExecutionRequests, which owns every write to an execution stream. */
@CommandHandler(RunScriptCommand)
export class RunScriptHandler implements ICommandHandler<RunScriptCommand> {
  constructor(
    private readonly summaries: ScriptSummaryCache,
    private readonly requests: ExecutionRequests,
  ) {}

  async execute({ scriptId, run, metadata }: RunScriptCommand) {
    const script = await this.summaries.get(scriptId);
    if (!script) throw new NotFoundError(`script ${scriptId} not found`);
    const version = run.version ?? script.deployedVersion;
    if (!version) {
      throw new ConflictError(
        `script ${scriptId} has no successfully built version yet (build: ${script.build?.status ?? 'pending'})`,
      );
    }
    if (version > script.latestVersion)
      throw new NotFoundError(`script ${scriptId} has no version ${version}`);
    const params = { scriptId, version, trigger: { type: 'manual' as const }, input: run.input ?? null };
    if (!run.wait) {
      const { executionId } = await this.requests.queueExecution(params, metadata);
      return { executionId, finished: null };
    }
    return this.requests.queueAndWait(params, metadata, { newId: true, waitMs: MAX_SYNC_WAIT_MS });
  }
}
