import { createMasker } from '@runlet/secrets';
import { LogSink } from './log-sink';
import type { RunRequest } from './sandbox-instance';
import type { ExecutionOutcome, ExecutionRequest, ExecutionStatus } from './types';

/** What every runtime starts a run with: the masker of its secrets, its log sink, its outcome. */
export interface RunStart {
  mask: (text: string) => string;
  sink: LogSink;
  /** The run's outcome, timed from its start, once its last lines are out. */
  outcome(status: ExecutionStatus, extra?: Partial<ExecutionOutcome>): ExecutionOutcome;
}

export function startRun(req: ExecutionRequest, maxLogBytes: number): RunStart {
  const startedAt = new Date();
  const mask = createMasker(Object.values(req.secrets ?? {}));
  const sink = new LogSink(maxLogBytes, mask, req.onLog);
  const outcome = (status: ExecutionStatus, extra: Partial<ExecutionOutcome> = {}): ExecutionOutcome => {
    sink.flush();
    const finishedAt = new Date();
    return {
      status,
      ...extra,
      startedAt,
      finishedAt,
      durationMs: finishedAt.getTime() - startedAt.getTime(),
      logsTruncated: sink.truncated,
    };
  };
  return { mask, sink, outcome };
}

/** The harness's run message for an execution: its event, the ctx it sees, its log budget. */
export function harnessRunRequest(id: string, req: ExecutionRequest, maxLogBytes: number): RunRequest {
  return {
    id,
    event: req.event,
    ctx: {
      executionId: req.executionId,
      scriptId: req.scriptId,
      version: req.version,
      secrets: req.secrets ?? {},
    },
    maxLogBytes,
  };
}
