import type { Cgroup } from './cgroup';
import { killPids } from './process-tree';

const ROUNDS = 3;
const GONE_WAIT_MS = 500;

/**
 * After a run of a warm sandbox: SIGKILLs every process `strays` lists (detached, double-forked,
 * setsid children… — everything but the harness). The group is frozen while it is listed and
 * killed, so nothing forks in between, and thawed again before this returns. Resolves false when
 * the sandbox must be retired instead: strays that would not go, or strays in a sandbox without a
 * cgroup (nothing then guarantees every stray was seen).
 */
export async function reapStrays(strays: () => number[], cgroup: Cgroup | null): Promise<boolean> {
  // The usual case after a run: nothing but the harness is left and no fork is under way (every
  // task charged is attached, and a process cannot exit mid-fork, so a stray's child would be
  // listed). Nothing to freeze for: the (v1) freezer write blocks the event loop for ~0.5 ms.
  if (cgroup && strays().length === 0 && cgroup.settled()) return true;
  for (let round = 0; round < ROUNDS; round++) {
    if (cgroup?.freeze() && !cgroup.settled()) await cgroup.frozen();
    const found = strays();
    if (found.length === 0) {
      cgroup?.thaw(); // never left frozen: a frozen (v1) task cannot die with its executor
      return true;
    }
    killPids(found);
    if (!cgroup) return false;
    cgroup.thaw(); // a frozen task only dies once thawed
    const deadline = Date.now() + GONE_WAIT_MS;
    while (strays().length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  }
  return false;
}
