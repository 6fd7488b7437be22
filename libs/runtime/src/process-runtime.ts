import { randomUUID } from 'node:crypto';
import { availableParallelism, totalmem } from 'node:os';
import { maskDeep } from '@runlet/secrets';
import { sweepOrphanedCgroups } from './cgroup-sweep';
import { createEtcDir } from './etc-files';
import { LogSink } from './log-sink';
import { checkSandboxAvailable, sandboxProblemSync } from './sandbox-check';
import { SandboxInstance, sandboxMemoryMb, type RunResult } from './sandbox-instance';
import type {
  ExecutionOutcome,
  ExecutionRequest,
  ProcessRuntimeOptions,
  Runtime,
  SandboxCommands,
  SandboxLimits,
} from './types';
import { WarmPool, type SandboxWant, type WarmPoolStats } from './warm-pool';
import { harnessRunRequest, startRun } from './run-ending';

const DEFAULT_LIMITS: SandboxLimits = { memoryMb: 128, network: 'none' };
/** Start-up of a sandbox is not part of the script's time, but must not hang forever either. */
const START_TIMEOUT_MS = 30000;

type Ending = { kind: 'run'; result: RunResult } | { kind: 'timeout' } | { kind: 'cancel' };

/** Runs each execution in a bubblewrap sandbox (docs/architecture.md, the sandbox), with a warm pool per version. */
export class ProcessRuntime implements Runtime {
  readonly name = 'process';
  private readonly pool: WarmPool;
  private readonly live = new Set<SandboxInstance>();
  private readonly etc = createEtcDir();
  private readonly insecure: boolean;
  private readonly maxLogBytes: number;
  private readonly nodePath: string;
  private readonly commands: SandboxCommands;
  private closed = false;

  constructor(private readonly opts: ProcessRuntimeOptions = {}) {
    this.nodePath = opts.nodePath ?? process.execPath;
    this.commands = {
      bwrap: 'bwrap',
      slirp4netns: 'slirp4netns',
      nsenter: 'nsenter',
      unshare: 'unshare',
      ...opts.commands,
    };
    const problem = sandboxProblemSync(this.nodePath, this.commands.bwrap);
    if (problem && !opts.allowInsecure) {
      this.etc.remove();
      throw new Error(`${problem} Refusing to run scripts unsandboxed (set allowInsecure to override).`);
    }
    if (problem) console.warn(`[runlet] WARNING: running scripts WITHOUT a sandbox. ${problem}`);
    this.insecure = Boolean(problem);
    // Sandboxes of an executor killed before it could clean up (SIGKILL, OOM) hold cgroups still.
    if (!this.insecure) void sweepOrphanedCgroups();
    this.maxLogBytes = opts.maxLogBytes ?? 1024 * 1024;
    this.pool = new WarmPool(
      {
        minSize: opts.poolSize ?? 2,
        maxSandboxes: opts.maxSandboxes ?? 16,
        memoryBudgetMb: opts.poolMemoryMb ?? defaultPoolMemoryMb(),
        idleMs: opts.idleMs ?? 60000,
        growAfterMs: GROW_AFTER_MS,
        maxBooting: opts.maxBooting ?? availableParallelism(),
        reuse: opts.reuse ?? true,
      },
      { create: (dir, limits) => this.spawn(dir, limits), memoryMb: sandboxMemoryMb },
    );
  }

  /** Async factory: checks the sandbox without blocking the event loop first. */
  static async create(opts: ProcessRuntimeOptions = {}): Promise<ProcessRuntime> {
    if (!opts.allowInsecure) await checkSandboxAvailable(opts.nodePath, opts.commands?.bwrap);
    return new ProcessRuntime(opts);
  }

  prewarm(artifactDir: string, scriptId: string, version: number, limits?: Partial<SandboxLimits>): void {
    const base = this.pool.limitsOf(scriptId, version) ?? DEFAULT_LIMITS;
    this.pool.prewarm(artifactDir, scriptId, version, { ...base, ...limits });
  }

  /** Idle (ready or starting) warm instances of a version (for tests and metrics). */
  warmCount(scriptId: string, version: number): number {
    return this.pool.idleCount(scriptId, version);
  }

  /** The pool's instances per version, memory against its budget, hits, cold starts, evictions. */
  poolStats(): WarmPoolStats {
    return this.pool.stats();
  }

  async run(req: ExecutionRequest): Promise<ExecutionOutcome> {
    const { mask, sink, outcome } = startRun(req, this.maxLogBytes);
    if (this.closed) return outcome('failed', { error: { message: 'The runtime is closed' } });
    if (req.signal?.aborted) return outcome('cancelled', { error: { message: 'Execution cancelled' } });

    const limits: SandboxLimits = { memoryMb: req.memoryMb, network: req.network };
    let instance: SandboxInstance;
    try {
      instance = await this.startedInstance(req, limits);
    } catch (err) {
      // Cancelled while waiting for a sandbox (every one busy) or for its start.
      if (req.signal?.aborted) return outcome('cancelled', { error: { message: 'Execution cancelled' } });
      const message = mask((err as Error).message);
      sink.system('error', `[runlet] ${message}`);
      return outcome('failed', { error: { message } });
    }
    let healthy = false;
    try {
      const ending = await this.execute(instance, req, sink);
      if (ending.kind === 'timeout') {
        sink.system('error', `[runlet] execution timed out after ${req.timeoutMs} ms`);
        return outcome('timed_out', { error: { message: `Execution timed out after ${req.timeoutMs} ms` } });
      }
      if (ending.kind === 'cancel')
        return outcome('cancelled', { error: { message: 'Execution cancelled' } });
      const result = ending.result;
      if (result.kind === 'died')
        return outcome('failed', { error: { message: mask(result.error.message) } });
      healthy = !result.fatal;
      if (result.ok) return outcome('succeeded', { result: maskDeep(result.value, mask) });
      const error = result.error ?? { message: 'Unknown error' };
      return outcome('failed', {
        error: maskDeep({ message: String(error.message), stack: error.stack }, mask),
      });
    } catch (err) {
      return outcome('failed', { error: { message: mask((err as Error).message) } });
    } finally {
      this.pool.release(instance, healthy);
    }
  }

  /**
   * A warm instance, or a fresh one once it is up (waiting while the executor's sandboxes are all
   * busy). bwrap occasionally fails while setting up namespaces when many sandboxes start at once
   * (e.g. "loopback: Failed RTM_NEWADDR"), so a sandbox that fails to start (or to be cleaned up
   * after its last run) is replaced once before the run is failed with the reason.
   */
  private async startedInstance(req: ExecutionRequest, limits: SandboxLimits): Promise<SandboxInstance> {
    const want: SandboxWant = {
      artifactDir: req.artifactDir,
      scriptId: req.scriptId,
      version: req.version,
      limits,
    };
    for (let attempt = 1; ; attempt++) {
      let instance: SandboxInstance | undefined;
      try {
        instance = await this.pool.acquire(want, req.signal);
        await withTimeout(instance.ready, START_TIMEOUT_MS, 'The sandbox did not start in time');
        return instance;
      } catch (err) {
        if (instance) this.pool.release(instance, false);
        if (attempt >= START_ATTEMPTS || req.signal?.aborted) throw err;
      }
    }
  }

  /** Waits for the sandbox, sends the run, and races its result against the deadline and cancel. */
  private async execute(instance: SandboxInstance, req: ExecutionRequest, sink: LogSink): Promise<Ending> {
    const id = randomUUID();
    let timer: NodeJS.Timeout | undefined;
    let onAbort: (() => void) | undefined;
    const cancelled = new Promise<Ending>((resolve) => {
      onAbort = () => resolve({ kind: 'cancel' });
      if (req.signal?.aborted)
        onAbort(); // aborted while the sandbox was starting
      else req.signal?.addEventListener('abort', onAbort, { once: true });
    });
    try {
      const started = withTimeout(instance.ready, START_TIMEOUT_MS, 'The sandbox did not start in time');
      const first = await Promise.race([started.then(() => undefined), cancelled]);
      if (first) return this.stop(instance, id, first);
      const deadline = new Promise<Ending>((resolve) => {
        timer = setTimeout(() => resolve({ kind: 'timeout' }), req.timeoutMs);
      });
      const run = instance
        .execute(harnessRunRequest(id, req, this.maxLogBytes), sink)
        .then((result): Ending => ({ kind: 'run', result }));
      const ending = await Promise.race([run, deadline, cancelled]);
      return ending.kind === 'run' ? ending : this.stop(instance, id, ending);
    } finally {
      clearTimeout(timer);
      if (onAbort) req.signal?.removeEventListener('abort', onAbort);
    }
  }

  /** Timeout or cancel: fire ctx.signal, then kill the whole sandbox. */
  private async stop(instance: SandboxInstance, id: string, ending: Ending): Promise<Ending> {
    instance.abort(id, ending.kind === 'timeout' ? 'timeout' : 'cancel');
    await instance.kill();
    return ending;
  }

  private spawn(artifactDir: string, limits: SandboxLimits): SandboxInstance {
    const instance = new SandboxInstance({
      artifactDir,
      limits,
      nodePath: this.nodePath,
      etcDir: this.etc.dir,
      maxPids: this.opts.maxPids ?? 256,
      insecure: this.insecure,
      commands: this.commands,
    });
    this.live.add(instance);
    instance.ready.catch(() => undefined);
    void instance.exited.then(() => this.live.delete(instance));
    return instance;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.pool.close();
    await Promise.all([...this.live].map((instance) => instance.kill()));
    this.etc.remove();
  }
}

const START_ATTEMPTS = 2;
/** Longer than a quick run takes to free its instance, far shorter than a sandbox's start. */
const GROW_AFTER_MS = 20;

/** Half the machine's memory, in MB. */
function defaultPoolMemoryMb(): number {
  return Math.floor(totalmem() / 1024 / 1024 / 2);
}

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(message)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}
