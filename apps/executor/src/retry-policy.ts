import { ExecutionState } from '@runlet/domain';
import { EXECUTION_JOB_OPTIONS } from '@runlet/executions';
import { ArtifactResolver } from './artifact-resolver';

/** Thrown to make BullMQ retry a failed attempt with the job's backoff. */
export class RetryAttempt extends Error {
  constructor(
    message: string,
    readonly attempt: number,
  ) {
    super(message);
  }
}

/** The backoff before attempt `attempt + 1`, as the job's exponential backoff computes it. */
export const retryDelayMs = (attempt: number) => EXECUTION_JOB_OPTIONS.backoff.delay * 2 ** (attempt - 1);

/** How many attempts an execution may have: its script version's policy (try-outs run once). */
export class RetryPolicy {
  constructor(private readonly artifacts: ArtifactResolver) {}

  async maxAttemptsOf(state: ExecutionState): Promise<number> {
    if (state.artifactDir || !state.scriptId) return 1;
    try {
      return (await this.artifacts.resolve(state.scriptId, state.version)).spec.maxAttempts ?? 1;
    } catch {
      return 1;
    }
  }
}
