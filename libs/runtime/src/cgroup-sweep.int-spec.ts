import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readlinkSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { Cgroup } from './cgroup';
import { sandboxCgroupName, sweepOrphanedCgroups } from './cgroup-sweep';

const SPEC = { memoryBytes: 64 << 20, maxPids: 16, cpus: 1 };
const namespace = readlinkSync('/proc/self/ns/pid').replace(/\D/g, '');
const V1 = existsSync('/sys/fs/cgroup/memory/cgroup.procs');
/** Where a cgroup of this name lives in the pids hierarchy. */
const pidsDir = (name: string) =>
  V1 ? `/sys/fs/cgroup/pids/runlet/${name}` : `/sys/fs/cgroup/runlet/${name}`;
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** Real cgroups: what an executor started after another was SIGKILLed removes, and what it leaves. */
describe('sweeping orphaned sandbox cgroups', () => {
  const sleepers: ChildProcess[] = [];
  const sleeper = () => {
    const child = spawn('sleep', ['60'], { stdio: 'ignore' });
    sleepers.push(child);
    return child;
  };
  const signalOf = (child: ChildProcess) =>
    new Promise<NodeJS.Signals | null>((resolve) =>
      child.exitCode !== null || child.signalCode !== null
        ? resolve(child.signalCode)
        : child.once('exit', (_code, signal) => resolve(signal)),
    );
  const kept: Cgroup[] = [];
  afterAll(async () => {
    sleepers.forEach((child) => child.kill('SIGKILL'));
    for (const cgroup of kept) {
      cgroup.killAll();
      await cgroup.destroy();
    }
  });

  it("removes the cgroups of an executor that is gone, killing what they hold, and keeps a live executor's and other names", async () => {
    const gone = spawnSync('true').pid!; // an executor pid no longer running
    expect(alive(gone)).toBe(false);
    const emptyOrphan = `${namespace}-${gone}-${randomUUID()}`;
    const busyOrphan = `${namespace}-${gone}-${randomUUID()}`;
    const otherNamespace = `1-${gone}-${randomUUID()}`;
    const ours = sandboxCgroupName();
    const legacy = `test-${randomUUID()}`;
    const created = Object.fromEntries(
      [emptyOrphan, busyOrphan, otherNamespace, ours, legacy].map((name) => [
        name,
        Cgroup.create(name, SPEC)!,
      ]),
    );
    kept.push(created[otherNamespace], created[ours], created[legacy]);
    const stray = sleeper(); // a sandbox process its executor could not kill
    created[busyOrphan].addProcess(stray.pid!);
    for (const name of Object.keys(created)) expect(existsSync(pidsDir(name))).toBe(true);

    // (An executor started meanwhile, elsewhere in this process, may sweep the same orphans: the outcome is the same.)
    await sweepOrphanedCgroups();

    expect(existsSync(pidsDir(emptyOrphan))).toBe(false);
    expect(existsSync(pidsDir(busyOrphan))).toBe(false);
    if (V1) expect(existsSync(`/sys/fs/cgroup/memory/runlet/${busyOrphan}`)).toBe(false);
    expect(await signalOf(stray)).toBe('SIGKILL');
    for (const name of [otherNamespace, ours, legacy]) expect(existsSync(pidsDir(name))).toBe(true);
    expect(ours.startsWith(`${namespace}-${process.pid}-`)).toBe(true);
  });
});
