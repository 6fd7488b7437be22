import { spawn } from 'node:child_process';

export interface RunProcessOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** The process group is killed after this long; the result then says `timedOut`. */
  timeoutMs: number;
  /** Each non-empty line of stdout and stderr, as it arrives. */
  onLine?: (line: string) => void;
}

export interface ProcessResult {
  /** Exit code, or the signal that ended the process. */
  exit: number | string;
  timedOut: boolean;
  /** Every output line (stdout and stderr interleaved). */
  output: string[];
  /** A pipe that failed while the process ran (its output may be incomplete). */
  streamError?: string;
}

/** The process could not be started at all (ENOENT, EACCES …). */
export class ProcessStartError extends Error {
  override readonly name = 'ProcessStartError';
  constructor(
    readonly command: string,
    override readonly cause: Error,
  ) {
    super(`could not start ${command}: ${cause.message}`);
  }
}

/**
 * Runs a child process in its own process group and settles exactly once, whatever happens: a spawn
 * failure rejects with ProcessStartError, everything else (exit, signal, timeout, a broken pipe)
 * resolves with what was seen. No error event is left unhandled, so a child can never crash us.
 */
export function runProcess(command: string, args: string[], opts: RunProcessOptions): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    const output: string[] = [];
    let streamError: string | undefined;
    let timedOut = false;
    let settled = false;
    const onLine = (line: string) => {
      output.push(line);
      try {
        opts.onLine?.(line);
      } catch {
        // A broken log sink must not break the process handling.
      }
    };
    const child = spawn(command, args, {
      cwd: opts.cwd,
      env: opts.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true, // own process group, so a timeout kills its children too
    });
    const killGroup = () => {
      try {
        if (child.pid) process.kill(-child.pid, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup();
    }, opts.timeoutMs);
    const out = lineSplitter(onLine);
    const err = lineSplitter(onLine);
    for (const [stream, split] of [
      [child.stdout, out],
      [child.stderr, err],
    ] as const) {
      stream.on('data', (chunk: Buffer) => split(chunk));
      stream.on('error', (e: Error) => {
        streamError ??= e.message;
      });
    }
    child.on('error', (e) => {
      if (settled) return;
      // 'error' without a pid: it never started. With one: killing it failed; 'close' still follows.
      if (child.pid !== undefined) {
        streamError ??= e.message;
        return;
      }
      settled = true;
      clearTimeout(timer);
      reject(new ProcessStartError(command, e));
    });
    child.on('close', (code, signal) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      out(null);
      err(null);
      resolve({ exit: code ?? signal ?? 'unknown', timedOut, output, streamError });
    });
  });
}

function lineSplitter(onLine: (line: string) => void): (chunk: Buffer | null) => void {
  let rest = '';
  return (chunk) => {
    if (chunk === null) {
      if (rest) onLine(rest);
      rest = '';
      return;
    }
    const lines = (rest + chunk.toString('utf8')).split(/\r?\n/);
    rest = lines.pop() ?? '';
    for (const line of lines) if (line) onLine(line);
  };
}
