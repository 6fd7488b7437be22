import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { Cgroup } from './cgroup';
import { OpenControlFile, readControlFile } from './control-file';

/** Real cgroups (the machine's v1 or v2 hierarchy): what the clean-up after every run reads. */
describe('cgroup control files', () => {
  const sleepers: ChildProcess[] = [];
  const sleeper = () => {
    const child = spawn('sleep', ['60'], { stdio: 'ignore' });
    sleepers.push(child);
    return child.pid!;
  };
  afterAll(() => sleepers.forEach((child) => child.kill('SIGKILL')));

  it('a kept-open pids.current and a fresh cgroup.procs both show each process as it joins and leaves', async () => {
    const cgroup = Cgroup.create(`test-${randomUUID()}`, { memoryBytes: 64 << 20, maxPids: 16, cpus: 1 })!;
    expect(cgroup).not.toBeNull();
    const first = sleeper();
    cgroup.addProcess(first);
    expect(cgroup.processes()).toEqual([first]);
    expect(cgroup.settled()).toBe(true);
    const second = sleeper();
    cgroup.addProcess(second);
    expect(cgroup.processes().sort()).toEqual([first, second].sort());
    expect(cgroup.settled()).toBe(true); // pids.current (kept open) is 2 as well, not the 1 read before
    cgroup.killAll();
    // The pids controller uncharges an exiting task a little after it has left cgroup.procs.
    for (let i = 0; i < 100 && !(cgroup.processes().length === 0 && cgroup.settled()); i++)
      await new Promise((r) => setTimeout(r, 20));
    expect(cgroup.processes()).toEqual([]);
    expect(cgroup.settled()).toBe(true); // 0 charged (the kept-open pids.current), 0 listed
    await cgroup.destroy();
  });

  it('reads a file larger than one read, and a kept-open file from its start each time', () => {
    const dir = mkdtempSync(join(tmpdir(), 'runlet-control-file-'));
    try {
      const path = join(dir, 'big');
      const big = 'x'.repeat(200_000) + '\n';
      writeFileSync(path, big);
      expect(readControlFile(path)).toBe(big);
      const open = new OpenControlFile(path);
      expect(open.read()).toBe(big);
      writeFileSync(path, '3\n');
      expect(open.read()).toBe('3\n');
      open.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
