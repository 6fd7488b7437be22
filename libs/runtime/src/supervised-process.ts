import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';

/** How long `ended` waits, after the exit, for the pipes to close (so stderr is complete). */
const CLOSE_GRACE_MS = 100;

/**
 * A child process with every failure path observed, so that none can crash the platform: a spawn
 * that throws or fails (ENOENT, EAGAIN, EMFILE…), an error on any of its pipes (EPIPE once it has
 * exited), its exit. `failure()` says what went wrong in one sentence, with its stderr.
 */
export class SupervisedProcess {
  readonly child?: ChildProcess;
  /** Settles (never rejects) once the process has exited or could not be started. */
  readonly ended: Promise<void>;
  /** Rejects with `failure()` once the process has ended: for racing it against a step that needs it alive. */
  readonly failed: Promise<never>;
  private spawnError?: Error;
  private stderrTail = '';
  /** The first failure seen on each pipe, by fd: reported in fd order, whatever order they happened in. */
  private readonly pipeErrors = new Map<number, string>();

  constructor(
    readonly name: string,
    command: string,
    args: string[],
    options: SpawnOptions,
  ) {
    let settle!: () => void;
    this.ended = new Promise((resolve) => (settle = resolve));
    this.failed = this.ended.then(() => {
      throw this.failure();
    });
    this.failed.catch(() => undefined);
    let child: ChildProcess;
    try {
      child = spawn(command, args, options);
    } catch (err) {
      this.spawnError = err as Error;
      settle();
      return;
    }
    this.child = child;
    // stdio is missing when the spawn failed for want of file descriptors (EMFILE).
    (child.stdio ?? []).forEach((stream, fd) =>
      stream?.on('error', (err: NodeJS.ErrnoException) => this.notePipeError(fd, err.code ?? err.message)),
    );
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => (this.stderrTail = (this.stderrTail + chunk).slice(-4096)));
    // Also emitted when a later kill fails: only an error without a pid means it never started.
    child.on('error', (err) => {
      if (child.pid === undefined) {
        this.spawnError = err;
        settle();
      }
    });
    child.once('exit', () => setTimeout(settle, CLOSE_GRACE_MS).unref());
    child.once('close', settle);
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get running(): boolean {
    const child = this.child;
    return !!child?.pid && child.exitCode === null && child.signalCode === null;
  }

  /** Why it could not be started at all (spawn ENOENT…), if so. */
  get startError(): Error | undefined {
    return this.spawnError;
  }

  get exitCode(): number | null {
    return this.child?.exitCode ?? null;
  }

  /** True once a write to (or read from) one of its pipes failed. */
  get pipeFailed(): boolean {
    return this.pipeErrors.size > 0;
  }

  private notePipeError(fd: number, what: string): void {
    if (!this.pipeErrors.has(fd)) this.pipeErrors.set(fd, what);
  }

  /** What it printed on stderr last (up to 4 KiB). */
  get stderr(): string {
    return this.stderrTail;
  }

  /** One of its pipes, by fd number (undefined when it could not be started). */
  stream<T extends Readable | Writable>(fd: number): T | undefined {
    return (this.child?.stdio?.[fd] ?? undefined) as T | undefined;
  }

  /** Writes to one of its pipes; a pipe it has closed is reported by `failure()`, never thrown. */
  send(fd: number, data: string, end = false): boolean {
    const pipe = this.stream<Writable>(fd);
    if (!pipe || pipe.destroyed || !pipe.writable) {
      // Closed on its side (we may have seen its end before a write could fail with EPIPE).
      if (this.child) this.notePipeError(fd, 'closed');
      return false;
    }
    if (end) pipe.end(data);
    else pipe.write(data);
    return true;
  }

  /** SIGKILLs it (its whole process group with `group`, for a process spawned detached). */
  kill(group = false): void {
    if (!this.running) return;
    try {
      process.kill(group ? -this.pid! : this.pid!, 'SIGKILL');
    } catch {
      this.child!.kill('SIGKILL');
    }
  }

  /** Why it is not (or no longer) running, e.g. "slirp4netns exited with code 1: … (fd 0: EPIPE)". */
  failure(): Error {
    if (this.spawnError) return new Error(`${this.name} could not be started (${this.spawnError.message})`);
    const child = this.child!;
    const how =
      child.exitCode !== null
        ? `exited with code ${child.exitCode}`
        : child.signalCode !== null
          ? `was killed by ${child.signalCode}`
          : 'is still running';
    const stderr = this.stderrTail.trim();
    const byFd = [...this.pipeErrors].sort(([a], [b]) => a - b).map(([fd, what]) => `fd ${fd}: ${what}`);
    const pipes = byFd.length ? ` (pipe errors: ${byFd.join(', ')})` : '';
    return new Error(`${this.name} ${how}${stderr ? `: ${stderr}` : ''}${pipes}`);
  }
}

/** Runs a command to its end with `input` on stdin; rejects with its failure unless it exits 0 having read it all. */
export async function runToEnd(
  name: string,
  command: string,
  args: string[],
  input: string,
  env?: NodeJS.ProcessEnv,
): Promise<void> {
  const proc = new SupervisedProcess(name, command, args, { stdio: ['pipe', 'ignore', 'pipe'], env });
  proc.send(0, input, true);
  await proc.ended;
  if (proc.exitCode !== 0 || proc.pipeFailed) throw proc.failure();
}

/** Resolves with the first chunk read from a pipe; never settles if the pipe ends without one. */
export function firstChunk(pipe: Readable | undefined): Promise<string> {
  return new Promise((resolve) => {
    pipe?.setEncoding('utf8');
    pipe?.once('data', (chunk: string) => resolve(chunk));
  });
}
