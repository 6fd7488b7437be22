import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** apps/runlet/guard/parent-guard.js, from the sources (apps/runlet/src) or from dist/apps/runlet/src. */
function guardPath(): string {
  const candidates = [
    join(__dirname, '..', 'guard', 'parent-guard.js'),
    join(__dirname, '..', '..', '..', '..', 'apps', 'runlet', 'guard', 'parent-guard.js'),
  ];
  const found = candidates.find((path) => existsSync(path));
  if (!found)
    throw new Error(`apps/runlet/guard/parent-guard.js not found (looked at ${candidates.join(', ')})`);
  return found;
}

export interface GuardedSpawnOptions {
  /** What the command gets when this process is gone: its clean shutdown. */
  stopSignal: NodeJS.Signals;
  /** The command's account, when not ours (the guard stays ours, to signal it). */
  uid?: number;
  gid?: number;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** The command's stdout and stderr. */
  output: 'pipe' | 'inherit';
  detached?: boolean;
}

/**
 * Spawns `command` under the parent guard (apps/runlet/guard/parent-guard.js), so that it gets
 * `stopSignal` when this process dies, even by SIGKILL: a server this process started never
 * outlives it holding its port. The returned process is the guard: signals sent to it reach the
 * command, it exits as the command did. Its stdin is the pipe the guard watches (not for use).
 */
export function spawnGuarded(command: string, args: string[], options: GuardedSpawnOptions): ChildProcess {
  const { stopSignal, uid, gid, output, ...rest } = options;
  return spawn(process.execPath, [guardPath(), JSON.stringify({ stopSignal, uid, gid }), command, ...args], {
    ...rest,
    stdio: ['pipe', output, output],
  });
}
