import { ChildProcess } from 'node:child_process';
import { GuardedSpawnOptions, spawnGuarded } from '../guarded-spawn';

/**
 * A server process this platform started and must stop. It gets its own process group, so a
 * Ctrl-C in the terminal reaches only the platform, which stops it after its own connections closed;
 * it runs under the parent guard, so it also stops when the platform is killed (no orphan holding its port).
 */
export class ManagedProcess {
  private readonly child: ChildProcess;
  private readonly tail: string[] = [];
  private exit?: string;
  private readonly exited: Promise<void>;

  constructor(
    readonly name: string,
    command: string,
    args: string[],
    options: Omit<GuardedSpawnOptions, 'output' | 'detached'>,
  ) {
    this.child = spawnGuarded(command, args, { ...options, output: 'pipe', detached: true });
    const keep = (chunk: Buffer) => {
      this.tail.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      this.tail.splice(0, Math.max(0, this.tail.length - 20));
    };
    this.child.stdout!.on('data', keep);
    this.child.stderr!.on('data', keep);
    this.exited = new Promise((resolve) => {
      this.child.once('error', (err) => {
        this.exit = err.message;
        resolve();
      });
      this.child.once('exit', (code, signal) => {
        this.exit = `exit ${code ?? signal}; last output: ${this.tail.slice(-5).join(' | ') || 'none'}`;
        resolve();
      });
    });
  }

  /** Why the process is gone, or undefined while it runs. */
  get death(): string | undefined {
    return this.exit;
  }

  /** Asks the process to stop with `signal` and waits for it; SIGKILL if it has not after `graceMs`. */
  async stop(signal: NodeJS.Signals, graceMs = 30_000): Promise<void> {
    if (this.exit !== undefined) return;
    this.child.kill(signal);
    // The whole process group: the guard and the server under it.
    const timer = setTimeout(() => {
      try {
        process.kill(-this.child.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
    }, graceMs);
    await this.exited;
    clearTimeout(timer);
  }

  /** For process exit, where nothing can be awaited: the signal is sent and the server stops on its own. */
  signalNow(signal: NodeJS.Signals): void {
    if (this.exit === undefined) this.child.kill(signal);
  }
}
