import { ExecutionOutcomeInput, ExecutionState } from '@runlet/domain';
import { Runtime } from '@runlet/runtime';
import { ArtifactResolver } from './artifact-resolver';
import { LogGate } from './log-gate';
import { attemptSeqBase, failedOutcome, outcomeOfRun } from './outcome-mapping';
import { scriptEventOf } from './script-event';
import { VersionPrewarmer } from './version-prewarmer';

const DEFAULT_TRY_LIMITS = { timeoutMs: 30_000, memoryMb: 256, network: 'egress' as const };

/**
 * Runs one attempt of an execution in the runtime: finds its artifact and limits (a try-out
 * carries its own), runs it with its lines going to `log`, and says how it went. Never throws:
 * whatever goes wrong is the attempt's failed outcome.
 */
export class ExecutionRunner {
  constructor(
    private readonly runtime: Runtime,
    private readonly artifacts: ArtifactResolver,
    private readonly prewarmer: VersionPrewarmer,
  ) {}

  /** `state`: the execution as its attempt started it. */
  async run(state: ExecutionState, signal: AbortSignal, log: LogGate): Promise<ExecutionOutcomeInput> {
    const started = Date.now();
    const seqBase = attemptSeqBase(state.attempt);
    let version;
    try {
      version = state.artifactDir
        ? { artifactDir: state.artifactDir, spec: state.limits ?? DEFAULT_TRY_LIMITS }
        : await this.artifacts.resolve(state.scriptId!, state.version);
    } catch (err) {
      const message = (err as Error).message;
      log.write({ seq: seqBase, ts: new Date().toISOString(), level: 'error', stream: 'system', message });
      return failedOutcome(message, Date.now() - started);
    }
    if (!state.artifactDir) this.prewarmer.once(state, version.artifactDir, version.spec);
    try {
      const outcome = await this.runtime.run({
        executionId: state.id,
        scriptId: state.scriptId ?? 'try',
        version: state.version,
        artifactDir: version.artifactDir,
        event: scriptEventOf(state),
        secrets: {},
        timeoutMs: version.spec.timeoutMs,
        memoryMb: version.spec.memoryMb,
        network: version.spec.network,
        signal,
        onLog: (line) => log.write({ ...line, seq: seqBase + line.seq }),
      });
      return outcomeOfRun(outcome, version.spec.timeoutMs);
    } catch (err) {
      return failedOutcome(`runtime error: ${(err as Error).message}`, Date.now() - started);
    }
  }
}
