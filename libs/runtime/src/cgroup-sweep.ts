import { readlinkSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { Cgroup } from './cgroup';

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

/**
 * Removes the sandbox cgroups whose executor is gone (same pid namespace, owner pid not running),
 * killing what they still hold: nothing serves those sandboxes any more. Cgroups of running
 * executors, of other pid namespaces (another container's executor) and of other naming are left
 * alone.
 */
export async function sweepOrphanedCgroups(): Promise<void> {
  const namespace = pidNamespace();
  for (const name of Cgroup.names()) {
    const owner = /^(\d+)-(\d+)-/.exec(name);
    if (!owner || owner[1] !== namespace || running(Number(owner[2]))) continue;
    const cgroup = Cgroup.existing(name);
    cgroup.killAll();
    await cgroup.destroy();
  }
}
