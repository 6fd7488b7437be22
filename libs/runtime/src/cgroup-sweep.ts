import { existsSync, readdirSync, readFileSync, readlinkSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';

const ROOT = '/sys/fs/cgroup';
const V1_CONTROLLERS = ['pids', 'memory', 'cpu', 'freezer'];
const RMDIR_ATTEMPTS = 20;

/** This process's pid namespace: pids are only comparable within one. */
function pidNamespace(): string {
  try {
    return readlinkSync('/proc/self/ns/pid').replace(/\D/g, '');
  } catch {
    return '0';
  }
}

/**
 * The name of a sandbox's cgroup, `<pid namespace>-<executor pid>-<uuid>`: an executor killed
 * with SIGKILL cannot remove its sandboxes' cgroups, and the next one started in the same pid
 * namespace tells from the name that their owner is gone.
 */
export function sandboxCgroupName(): string {
  return `${pidNamespace()}-${process.pid}-${randomUUID()}`;
}

function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The directories of one cgroup name, one per hierarchy (v1) or the single one (v2). */
function dirsOf(name: string, v1: boolean): string[] {
  return v1 ? V1_CONTROLLERS.map((c) => join(ROOT, c, 'runlet', name)) : [join(ROOT, 'runlet', name)];
}

function namesIn(dir: string): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => e.name);
  } catch {
    return [];
  }
}

function killTasks(dirs: string[]): void {
  for (const dir of dirs) {
    try {
      writeFileSync(join(dir, 'freezer.state'), 'THAWED'); // a frozen (v1) task only dies once thawed
    } catch {
      // not a freezer, or gone
    }
  }
  for (const dir of dirs) {
    let pids: number[];
    try {
      pids = readFileSync(join(dir, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean).map(Number);
    } catch {
      continue;
    }
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // exited meanwhile
      }
    }
  }
}

async function removeDirs(dirs: string[]): Promise<boolean> {
  let removed = true;
  for (const dir of dirs) {
    for (let attempt = 0; ; attempt++) {
      try {
        rmdirSync(dir);
        break;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') break;
        if (attempt + 1 >= RMDIR_ATTEMPTS) {
          removed = false;
          break;
        }
        await new Promise((resolve) => setTimeout(resolve, 25)); // its killed tasks are exiting
      }
    }
  }
  return removed;
}

/**
 * Removes the sandbox cgroups whose executor is gone (same pid namespace, owner pid not running),
 * killing what they still hold: nothing serves those sandboxes any more. Cgroups of running
 * executors, of other pid namespaces (another container's executor) and of other naming are left
 * alone. Resolves to the number of cgroups removed.
 */
export async function sweepOrphanedCgroups(): Promise<number> {
  const namespace = pidNamespace();
  const v1 = existsSync(join(ROOT, 'memory/cgroup.procs'));
  const parents = v1 ? V1_CONTROLLERS.map((c) => join(ROOT, c, 'runlet')) : [join(ROOT, 'runlet')];
  const names = new Set(parents.flatMap(namesIn));
  let removed = 0;
  for (const name of names) {
    const match = /^(\d+)-(\d+)-/.exec(name);
    if (!match || match[1] !== namespace || running(Number(match[2]))) continue;
    const dirs = dirsOf(name, v1);
    killTasks(dirs);
    if (await removeDirs(dirs)) removed++;
  }
  return removed;
}
