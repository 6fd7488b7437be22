import { LogLine } from '@runlet/contracts';
import { ExecutionOutcomeInput, ExecutionState } from '@runlet/domain';
import { Runtime } from '@runlet/runtime';
import { createMasker, LineMasker, maskDeep, SecretResolutionError, SecretResolver } from '@runlet/secrets';
import { ArtifactResolver } from './artifact-resolver';
import { LogGate } from './log-gate';
import { AttemptOutcome, attemptSeqBase, failedOutcome, finalFailure, outcomeOfRun } from './outcome-mapping';
import { scriptEventOf } from './script-event';
import { VersionPrewarmer } from './version-prewarmer';

const DEFAULT_TRY_LIMITS = { timeoutMs: 30_000, memoryMb: 256, network: 'egress' as const };

/**
 * Runs one attempt of an execution in the runtime: finds its artifact and limits (a try-out
 * carries its own), fetches the secrets it declares, runs it with its lines going to `log`, and
 * says how it went. Whatever any runtime gives back is masked here, before it reaches the log
 * writer or an event: every form of every declared secret's value, also across lines. Never
 * throws: whatever goes wrong is the attempt's failed outcome.
 */
export class ExecutionRunner {
  constructor(
    private readonly runtime: Runtime,
    private readonly artifacts: ArtifactResolver,
    private readonly prewarmer: VersionPrewarmer,
    private readonly secrets: SecretResolver,
  ) {}

  /** `state`: the execution as its attempt started it. */
  async run(state: ExecutionState, signal: AbortSignal, log: LogGate): Promise<AttemptOutcome> {
    const started = Date.now();
    const seqBase = attemptSeqBase(state.attempt);
    const fail = (message: string, final = false) => {
      log.write({ seq: seqBase, ts: new Date().toISOString(), level: 'error', stream: 'system', message });
      return (final ? finalFailure : failedOutcome)(message, Date.now() - started);
    };
    let version;
    try {
      version = state.artifactDir
        ? { artifactDir: state.artifactDir, spec: state.limits ?? DEFAULT_TRY_LIMITS }
        : await this.artifacts.resolve(state.scriptId!, state.version);
    } catch (err) {
      return fail((err as Error).message);
    }
    if (!state.artifactDir) this.prewarmer.once(state, version.artifactDir, version.spec);
    let secrets: Record<string, string>;
    try {
      // A try-out gets only what it declared; a saved version what that version declares.
      secrets = await this.secrets.resolve(('secrets' in version.spec && version.spec.secrets) || []);
    } catch (err) {
      // Before any user code: the execution fails naming what is missing or which provider failed.
      // A secret nobody has set stays missing on a retry; a provider that failed may answer then.
      return fail(`[runlet] ${(err as Error).message}`, err instanceof SecretResolutionError);
    }
    const values = Object.values(secrets);
    const mask = createMasker(values);
    const lines = new LineMasker(values, (line: LogLine) => log.write(line));
    try {
      const outcome = await this.runtime.run({
        executionId: state.id,
        scriptId: state.scriptId ?? 'try',
        version: state.version,
        artifactDir: version.artifactDir,
        event: scriptEventOf(state),
        secrets,
        timeoutMs: version.spec.timeoutMs,
        memoryMb: version.spec.memoryMb,
        network: version.spec.network,
        signal,
        onLog: (line) => lines.push({ ...line, seq: seqBase + line.seq }),
      });
      lines.flush();
      return maskedOutcome(outcomeOfRun(outcome, version.spec.timeoutMs), mask);
    } catch (err) {
      lines.flush();
      return failedOutcome(`runtime error: ${mask((err as Error).message)}`, Date.now() - started);
    }
  }
}

/** The outcome with what the script produced masked (its status and duration are the platform's). */
function maskedOutcome(
  outcome: ExecutionOutcomeInput,
  mask: (text: string) => string,
): ExecutionOutcomeInput {
  if (outcome.status === 'succeeded') return { ...outcome, result: maskDeep(outcome.result, mask) };
  if (outcome.status === 'cancelled') return { ...outcome, reason: mask(outcome.reason) };
  return { ...outcome, error: maskDeep(outcome.error, mask) };
}
