import type { ChildProcess } from 'node:child_process';
import type { Readable } from 'node:stream';
import { readArtifactManifest } from './artifact';
import { buildBwrapArgs, nodeArgs, SANDBOX } from './bwrap-args';
import { Cgroup } from './cgroup';
import { sandboxCgroupName } from './cgroup-sweep';
import { attachEgress, egressLauncher, type EgressHandle } from './egress-network';
import { FrameReader } from './frame-reader';
import { harnessPath } from './harness-path';
import type { LogSink } from './log-sink';
import { nodeMounts } from './node-mounts';
import { descendants, isLive, namespacePid, processGroup } from './process-tree';
import { watchRss } from './rss-watchdog';
import { reapStrays } from './stray-reaper';
import { SupervisedProcess } from './supervised-process';
import type { SandboxCommands, SandboxLimits } from './types';

const MAX_FRAME_BYTES = 16 * 1024 * 1024;
/** Room for node itself on top of the script's heap: the cgroup limit is heap cap + this. */
const NODE_BASELINE_MB = 64;
const INFO_FD = 4;

/** The most a sandbox with these limits may use (its cgroup's memory limit), in MB. */
export const sandboxMemoryMb = (limits: SandboxLimits): number => limits.memoryMb + NODE_BASELINE_MB;
const BLOCK_FD = 5;
/**
 * How long a cleaned-up sandbox may stay idle before its harness is stopped: a run that comes
 * sooner (a busy script) finds it running, which spares the SIGSTOP/SIGCONT pair and the harness's
 * two wake-ups per run.
 */
export const PAUSE_AFTER_IDLE_MS = 20;

export interface InstanceConfig {
  artifactDir: string;
  limits: SandboxLimits;
  nodePath: string;
  etcDir: string;
  maxPids: number;
  insecure: boolean;
  commands: SandboxCommands;
}

export interface RunRequest {
  id: string;
  event: unknown;
  ctx: { executionId: string; scriptId: string; version: number; secrets: Record<string, string> };
  maxLogBytes: number;
}

export type RunResult =
  | {
      kind: 'result';
      ok: boolean;
      value?: unknown;
      error?: { message: string; stack?: string };
      fatal: boolean;
    }
  | { kind: 'died'; error: { message: string } };

interface ActiveRun {
  id: string;
  sink: LogSink;
  resolve: (result: RunResult) => void;
}

/** One sandboxed node process running the harness for one artifact; serves one run at a time. */
export class SandboxInstance {
  private available: Promise<void>;
  private resolveExited!: () => void;
  /** Settles once the sandbox is gone (or never started). */
  readonly exited = new Promise<void>((resolve) => (this.resolveExited = resolve));
  private proc?: SupervisedProcess;
  private cgroup: Cgroup | null = null;
  /** Host pids of bwrap's init (pid 1 inside) and of the harness: the processes a sandbox keeps. */
  private initPid?: number;
  private harnessPid?: number;
  private egress?: EgressHandle;
  private stopWatchdog?: () => void;
  private active?: ActiveRun;
  private dead = false;
  private memoryExceeded = false;
  /** The harness is stopped (SIGSTOP) and must be continued before a run. */
  private paused = false;
  private pauseTimer?: NodeJS.Timeout;

  constructor(private readonly config: InstanceConfig) {
    this.available = this.start().catch((err: Error) => {
      void this.kill();
      throw new Error(`The sandbox could not start: ${err.message}`);
    });
    this.available.catch(() => undefined);
  }

  /** Settles once the instance can take a run: started, or cleaned up after its previous run. */
  get ready(): Promise<void> {
    return this.available;
  }

  get alive(): boolean {
    return !this.dead;
  }

  private async start(): Promise<void> {
    const { artifactDir, limits, nodePath, insecure, commands } = this.config;
    const manifest = readArtifactManifest(artifactDir);
    const limitBytes = (limits.memoryMb + NODE_BASELINE_MB) * 1024 * 1024;
    const proc = insecure
      ? new SupervisedProcess(
          'node',
          nodePath,
          [...nodeArgs(limits.memoryMb), harnessPath(), `${artifactDir}/${manifest.entry}`],
          {
            stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
            env: { NODE_ENV: 'production', HOME: '/tmp', TZ: 'UTC' },
            cwd: '/tmp',
            detached: true,
          },
        )
      : new SupervisedProcess(
          limits.network === 'egress' ? 'bwrap (under unshare)' : 'bwrap',
          ...this.bwrapCommand(manifest.entry, manifest.nodeModulesDir),
          {
            stdio: ['ignore', 'pipe', 'pipe', 'pipe', 'pipe', 'pipe'],
            env: {}, // nothing of ours for bwrap's init (PID 1 inside) to carry
            detached: true, // own process group: killed as a whole
          },
        );
    this.proc = proc;
    void proc.ended.then(() => this.onExit());
    const ready = proc.child?.stdio ? this.wireChannel(proc.child) : new Promise<void>(() => undefined);

    if (!insecure) {
      const pid = await Promise.race([readChildPid(proc.stream(INFO_FD)), proc.failed]);
      this.initPid = pid;
      this.cgroup = Cgroup.create(sandboxCgroupName(), {
        memoryBytes: limitBytes,
        maxPids: this.config.maxPids,
        cpus: 1,
      });
      this.cgroup?.addProcess(pid);
      // Node starts now that the limits are in place; meanwhile the network is set up, and the
      // harness imports the script (so nothing of it runs) only when told to start, below.
      proc.send(BLOCK_FD, '1', true);
      if (limits.network === 'egress') {
        const egress = attachEgress(proc.pid!, commands);
        // Started but no longer wanted (the sandbox died meanwhile): stop it right away.
        egress.then(
          (handle) => (this.dead ? handle.close() : (this.egress = handle)),
          () => undefined,
        );
        await Promise.race([egress, proc.failed]);
      }
    }
    proc.send(3, JSON.stringify({ t: 'start' }) + '\n');
    if (!this.cgroup && proc.pid) {
      this.stopWatchdog = watchRss(proc.pid, limitBytes, () => {
        this.memoryExceeded = true;
        void this.kill();
      });
    }
    await Promise.race([ready, proc.failed]);
    this.harnessPid = insecure ? proc.pid : this.findHarness();
    this.pause(); // idle until its first run
  }

  /**
   * An idle sandbox uses no CPU: its harness (the only process left after a run) is stopped. Not
   * the cgroup freezer: a (v1) frozen task cannot act on SIGKILL, so a sandbox frozen when its
   * executor dies would outlive it; a stopped one dies with it (bwrap --die-with-parent).
   */
  private pause(): void {
    this.pauseTimer = undefined;
    if (this.harnessPid === undefined || this.dead || this.active) return;
    // What the last run left running may have started a process since it was cleaned up: reap first.
    if (this.strays().length > 0) return this.recycle(true);
    this.stopHarness();
  }

  private stopHarness(): void {
    if (this.harnessPid === undefined || this.dead || this.active) return;
    signal(this.harnessPid, 'SIGSTOP');
    this.paused = true;
  }

  /** Stops the harness once it has been idle for PAUSE_AFTER_IDLE_MS (unless a run comes first). */
  private pauseSoon(): void {
    clearTimeout(this.pauseTimer);
    this.pauseTimer = setTimeout(() => this.pause(), PAUSE_AFTER_IDLE_MS);
    this.pauseTimer.unref();
  }

  private resume(): void {
    clearTimeout(this.pauseTimer);
    this.pauseTimer = undefined;
    if (!this.paused) return;
    this.paused = false;
    if (this.harnessPid !== undefined) signal(this.harnessPid, 'SIGCONT');
  }

  /** bwrap runs the command as pid 2 of the sandbox's PID namespace, a child of its init. */
  private findHarness(): number | undefined {
    return descendants(this.initPid!).find((pid) => namespacePid(pid) === 2);
  }

  /** bwrap and its arguments; under `egress`, started in a network namespace made for it. */
  private bwrapCommand(entry: string, nodeModulesDir: string | null): [string, string[]] {
    const egress = this.config.limits.network === 'egress';
    const args = this.bwrapArgs(entry, nodeModulesDir, egress);
    if (!egress) return [this.config.commands.bwrap, args];
    const launch = egressLauncher(this.config.commands, args);
    return [launch.command, launch.args];
  }

  private bwrapArgs(entry: string, nodeModulesDir: string | null, shareNet: boolean): string[] {
    return buildBwrapArgs({
      nodeMounts: nodeMounts(this.config.nodePath),
      harnessPath: harnessPath(),
      artifactDir: this.config.artifactDir,
      entry,
      nodeModulesDir,
      etcDir: this.config.etcDir,
      memoryMb: this.config.limits.memoryMb,
      infoFd: INFO_FD,
      blockFd: BLOCK_FD,
      shareNet,
    });
  }

  /** Routes harness messages and raw output to the active run; resolves once the artifact is imported. */
  private wireChannel(child: ChildProcess): Promise<void> {
    return new Promise((resolve) => {
      const channel = child.stdio[3] as Readable;
      const reader = new FrameReader(
        MAX_FRAME_BYTES,
        (message) => {
          if (message.t === 'ready') return resolve();
          const run = this.active;
          if (!run || message.id !== run.id) return;
          if (message.t === 'log') {
            if (message.truncated) run.sink.truncate();
            else run.sink.line(message.level as never, message.stream as never, String(message.text));
          } else if (message.t === 'result') {
            this.active = undefined;
            run.resolve({
              kind: 'result',
              ok: message.ok === true,
              value: message.value,
              error: message.error as { message: string; stack?: string } | undefined,
              fatal: message.fatal === true,
            });
          }
        },
        () => this.finishActive('The script sent a message larger than 16 MiB (result too large?)'),
      );
      channel.setEncoding('utf8');
      channel.on('data', (chunk: string) => reader.push(chunk));
      for (const stream of ['stdout', 'stderr'] as const) {
        const readable = child[stream]!;
        readable.setEncoding('utf8');
        readable.on('data', (chunk: string) => this.active?.sink.chunk(stream, chunk));
      }
    });
  }

  /** Sends one run to the harness; resolves with its result or with the process' death. */
  execute(request: RunRequest, sink: LogSink): Promise<RunResult> {
    if (this.dead || this.active)
      return Promise.resolve({ kind: 'died', error: { message: 'Sandbox unavailable' } });
    this.resume();
    return new Promise((resolve) => {
      this.active = { id: request.id, sink, resolve };
      this.proc!.send(3, JSON.stringify({ t: 'run', ...request }) + '\n');
    });
  }

  /**
   * Before the instance serves another run: every process the last run left behind is killed and
   * the harness stopped while idle (at once with `pauseNow`, else once it has idled a little). An
   * instance that cannot be cleaned up is retired (`ready` rejects).
   */
  recycle(pauseNow = false): void {
    this.available = this.available.then(async () => {
      const clean = this.harnessPid !== undefined && (await reapStrays(() => this.strays(), this.cgroup));
      if (clean && !this.dead) return pauseNow ? this.stopHarness() : this.pauseSoon();
      void this.kill();
      throw new Error('The sandbox could not be cleaned up after its previous run');
    });
    this.available.catch(() => undefined);
  }

  /** Live processes of the sandbox other than its init and harness. */
  private strays(): number[] {
    const root = this.initPid ?? this.harnessPid!;
    const all = this.cgroup
      ? this.cgroup.processes()
      : // Orphans inside a PID namespace are reparented to its init; without one (insecure), a
        // detached child stays a descendant of the harness and an orphan may keep its process group.
        [...descendants(root), ...(this.config.insecure ? processGroup(root) : [])];
    return [...new Set(all)].filter((pid) => pid !== this.initPid && pid !== this.harnessPid && isLive(pid));
  }

  /** Fires ctx.signal inside the sandbox (best effort: the caller kills right after). */
  abort(id: string, reason: 'timeout' | 'cancel'): void {
    if (!this.dead) this.proc?.send(3, JSON.stringify({ t: 'abort', id, reason }) + '\n');
  }

  /** Kills the whole sandbox: bwrap's process group, its PID namespace, and anything left in the cgroup. */
  kill(): Promise<void> {
    this.proc?.kill(true);
    this.cgroup?.killAll();
    if (!this.proc) {
      this.dead = true;
      this.resolveExited();
    }
    return this.exited;
  }

  private onExit(): void {
    this.dead = true;
    clearTimeout(this.pauseTimer);
    this.stopWatchdog?.();
    this.egress?.close();
    const memory =
      this.memoryExceeded ||
      this.cgroup?.memoryExceeded() ||
      /heap out of memory/i.test(this.proc?.stderr ?? '');
    this.memoryExceeded = memory;
    this.finishActive(
      memory
        ? `memory limit of ${this.config.limits.memoryMb} MB exceeded`
        : `The script's process exited unexpectedly (exit code ${this.proc?.child?.exitCode ?? this.proc?.child?.signalCode})`,
    );
    this.cgroup?.killAll();
    void this.cgroup?.destroy();
    this.resolveExited();
  }

  private finishActive(message: string): void {
    const run = this.active;
    this.active = undefined;
    run?.resolve({ kind: 'died', error: { message } });
    if (!this.dead) void this.kill();
  }
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // already gone: its exit is reported by the sandbox's own exit handler
  }
}

/** bwrap's --info-fd: a JSON object holding the sandbox's pid as seen from the host. */
function readChildPid(info: Readable | undefined): Promise<number> {
  // Never settles without one: bwrap exiting instead is reported, precisely, by its `failed`.
  return new Promise((resolve) => {
    let text = '';
    info?.setEncoding('utf8');
    info?.on('data', (chunk: string) => {
      text += chunk;
      const match = /"child-pid"\s*:\s*(\d+)/.exec(text);
      if (match) {
        info.removeAllListeners('data');
        info.resume();
        resolve(Number(match[1]));
      }
    });
  });
}

export { SANDBOX };
