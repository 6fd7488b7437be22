import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import type { Readable, Writable } from 'node:stream';
import { readArtifactManifest } from './artifact';
import { buildBwrapArgs, nodeArgs, SANDBOX } from './bwrap-args';
import { Cgroup } from './cgroup';
import { attachEgress, type EgressHandle } from './egress-network';
import { FrameReader } from './frame-reader';
import { harnessPath } from './harness-path';
import type { LogSink } from './log-sink';
import { nodeMounts } from './node-mounts';
import { watchRss } from './rss-watchdog';
import type { SandboxLimits } from './types';

const MAX_FRAME_BYTES = 16 * 1024 * 1024;
/** Room for node itself on top of the script's heap: the cgroup limit is heap cap + this. */
const NODE_BASELINE_MB = 64;
const INFO_FD = 4;
const BLOCK_FD = 5;

export interface InstanceConfig {
  artifactDir: string;
  limits: SandboxLimits;
  nodePath: string;
  etcDir: string;
  maxPids: number;
  insecure: boolean;
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
  readonly ready: Promise<void>;
  private resolveExited!: () => void;
  /** Settles once the sandbox is gone (or never started). */
  readonly exited = new Promise<void>((resolve) => (this.resolveExited = resolve));
  private child?: ChildProcess;
  private cgroup: Cgroup | null = null;
  private egress?: EgressHandle;
  private stopWatchdog?: () => void;
  private active?: ActiveRun;
  private dead = false;
  private memoryExceeded = false;
  private stderrTail = '';

  constructor(private readonly config: InstanceConfig) {
    this.ready = this.start();
    this.ready.catch(() => this.kill());
  }

  get alive(): boolean {
    return !this.dead;
  }

  private async start(): Promise<void> {
    const { artifactDir, limits, nodePath, insecure } = this.config;
    const manifest = readArtifactManifest(artifactDir);
    const limitBytes = (limits.memoryMb + NODE_BASELINE_MB) * 1024 * 1024;
    const child: ChildProcess = insecure
      ? spawn(nodePath, [...nodeArgs(limits.memoryMb), harnessPath(), `${artifactDir}/${manifest.entry}`], {
          stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
          env: { NODE_ENV: 'production', HOME: '/tmp', TZ: 'UTC' },
          cwd: '/tmp',
          detached: true,
        })
      : spawn('bwrap', this.bwrapArgs(manifest.entry, manifest.nodeModulesDir), {
          stdio: ['ignore', 'pipe', 'pipe', 'pipe', 'pipe', 'pipe'],
          env: {}, // nothing of ours for bwrap's init (PID 1 inside) to carry
          detached: true, // own process group: killed as a whole
        });
    this.child = child;
    // The sandbox may die mid-write (kill, crash): pipe errors are expected, the exit handler reports.
    for (const stream of child.stdio) stream?.on('error', () => undefined);
    const ready = this.wireChannel(child);
    const exited = new Promise<never>((_, reject) => {
      child.once('error', (err) => reject(new Error(`Could not start the sandbox: ${err.message}`)));
      child.once('exit', () =>
        reject(new Error(`The sandbox exited during start-up: ${this.stderrTail.trim()}`)),
      );
    });
    exited.catch(() => undefined);
    child.once('exit', () => this.onExit());

    if (!insecure) {
      const pid = await Promise.race([readChildPid(child.stdio[INFO_FD] as Readable), exited]);
      this.cgroup = Cgroup.create(`${randomUUID()}`, {
        memoryBytes: limitBytes,
        maxPids: this.config.maxPids,
        cpus: 1,
      });
      this.cgroup?.addProcess(pid);
      // Node starts now that the limits are in place; meanwhile the network is set up, and the
      // harness imports the script (so nothing of it runs) only when told to start, below.
      (child.stdio as unknown as Writable[])[BLOCK_FD].end('1');
      if (limits.network === 'egress') this.egress = await Promise.race([attachEgress(pid), exited]);
    }
    (child.stdio[3] as Writable).write(JSON.stringify({ t: 'start' }) + '\n');
    if (!this.cgroup && child.pid) {
      this.stopWatchdog = watchRss(child.pid, limitBytes, () => {
        this.memoryExceeded = true;
        this.kill();
      });
    }
    await Promise.race([ready, exited]);
  }

  private bwrapArgs(entry: string, nodeModulesDir: string | null): string[] {
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
        readable.on('data', (chunk: string) => {
          if (stream === 'stderr') this.stderrTail = (this.stderrTail + chunk).slice(-4096);
          this.active?.sink.chunk(stream, chunk);
        });
      }
    });
  }

  /** Sends one run to the harness; resolves with its result or with the process' death. */
  execute(request: RunRequest, sink: LogSink): Promise<RunResult> {
    if (this.dead || this.active)
      return Promise.resolve({ kind: 'died', error: { message: 'Sandbox unavailable' } });
    return new Promise((resolve) => {
      this.active = { id: request.id, sink, resolve };
      (this.child!.stdio[3] as Writable).write(JSON.stringify({ t: 'run', ...request }) + '\n');
    });
  }

  /** Fires ctx.signal inside the sandbox (best effort: the caller kills right after). */
  abort(id: string, reason: 'timeout' | 'cancel'): void {
    if (!this.dead)
      (this.child?.stdio[3] as Writable | undefined)?.write(
        JSON.stringify({ t: 'abort', id, reason }) + '\n',
      );
  }

  /** Kills the whole sandbox: bwrap's process group, its PID namespace, and anything left in the cgroup. */
  kill(): Promise<void> {
    const child = this.child;
    if (child && child.exitCode === null && child.signalCode === null && child.pid) {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    }
    this.cgroup?.killAll();
    if (!child) {
      this.dead = true;
      this.resolveExited();
    }
    return this.exited;
  }

  private onExit(): void {
    this.dead = true;
    this.stopWatchdog?.();
    this.egress?.close();
    const memory =
      this.memoryExceeded || this.cgroup?.memoryExceeded() || /heap out of memory/i.test(this.stderrTail);
    this.memoryExceeded = memory;
    this.finishActive(
      memory
        ? `memory limit of ${this.config.limits.memoryMb} MB exceeded`
        : `The script's process exited unexpectedly (exit code ${this.child?.exitCode ?? this.child?.signalCode})`,
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

/** bwrap's --info-fd: a JSON object holding the sandbox's pid as seen from the host. */
function readChildPid(info: Readable): Promise<number> {
  return new Promise((resolve, reject) => {
    let text = '';
    info.setEncoding('utf8');
    info.on('data', (chunk: string) => {
      text += chunk;
      const match = /"child-pid"\s*:\s*(\d+)/.exec(text);
      if (match) {
        info.removeAllListeners('data');
        info.resume();
        resolve(Number(match[1]));
      }
    });
    info.once('end', () => reject(new Error('bwrap did not report the sandbox pid')));
  });
}

export { SANDBOX };
