import { existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { OpenControlFile, readControlFile } from './control-file';

const ROOT = '/sys/fs/cgroup';

export interface CgroupSpec {
  memoryBytes: number;
  maxPids: number;
  /** CPU share, in CPUs (1 = one full core). */
  cpus: number;
}

/**
 * Per-sandbox cgroup: a hard memory limit (the kernel OOM-kills inside it), a task limit (contains
 * fork bombs), a CPU quota, and a freezer (a sandbox is frozen while its stray processes are listed and killed). Works with cgroup v1 (one
 * hierarchy per controller) and v2; when neither is writable, `create` returns null and the runtime
 * falls back to its RSS watchdog.
 */
export class Cgroup {
  /** What every run's clean-up reads (stray-reaper): paths made once, pids.current kept open. */
  private readonly procsPath: string;
  private readonly tasksPath: string;
  private readonly pidsCurrent: OpenControlFile;

  constructor(
    private readonly dirs: { memory: string; pids: string; cpu?: string; freezer?: string },
    private readonly v2: boolean,
  ) {
    this.procsPath = join(dirs.pids, 'cgroup.procs');
    this.tasksPath = join(dirs.pids, v2 ? 'cgroup.threads' : 'tasks');
    this.pidsCurrent = new OpenControlFile(join(dirs.pids, 'pids.current'));
  }

  static create(name: string, spec: CgroupSpec): Cgroup | null {
    try {
      return isV1() ? createV1(name, spec) : createV2(name, spec);
    } catch {
      return null;
    }
  }

  /** The group of that name where `create` makes it, without making anything (it may not exist). */
  static existing(name: string): Cgroup {
    if (!isV1())
      return new Cgroup({ memory: join(ROOT, 'runlet', name), pids: join(ROOT, 'runlet', name) }, true);
    const [memory, pids, cpu, freezer] = V1_CONTROLLERS.map((c) => join(ROOT, c, 'runlet', name));
    return new Cgroup({ memory, pids, cpu, freezer }, false);
  }

  /** The names of the groups there are (in any hierarchy). */
  static names(): string[] {
    const parents = isV1() ? V1_CONTROLLERS.map((c) => join(ROOT, c, 'runlet')) : [join(ROOT, 'runlet')];
    const names = new Set<string>();
    for (const parent of parents) {
      try {
        for (const entry of readdirSync(parent, { withFileTypes: true }))
          if (entry.isDirectory()) names.add(entry.name);
      } catch {
        // no such hierarchy here
      }
    }
    return [...names];
  }

  addProcess(pid: number): void {
    for (const dir of new Set(Object.values(this.dirs)))
      if (dir) writeFileSync(join(dir, 'cgroup.procs'), `${pid}`);
  }

  /** Host pids of the processes in the group (every process of the sandbox, wherever it forked). */
  processes(): number[] {
    try {
      return readControlFile(this.procsPath).split('\n').filter(Boolean).map(Number);
    } catch {
      return [];
    }
  }

  /**
   * True when no task is being created or reaped right now: every task the pids controller has
   * charged is attached (listed). Right after `freeze`, a fork not yet charged can no longer
   * complete (the freezer's pending signal makes the kernel restart it after the thaw), so the
   * listing is then complete without waiting for every task to be frozen.
   */
  settled(): boolean {
    try {
      const charged = Number(this.pidsCurrent.read());
      const tasks = readControlFile(this.tasksPath);
      return charged === tasks.split('\n').filter(Boolean).length;
    } catch {
      return false;
    }
  }

  /** SIGKILLs every task still in the group (children that escaped the process tree included). */
  killAll(): void {
    if (this.v2 && tryWrite(join(this.dirs.pids, 'cgroup.kill'), '1')) return;
    for (const dir of new Set([this.dirs.pids, this.dirs.memory])) {
      let pids: string[];
      try {
        pids = readFileSync(join(dir, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean);
      } catch {
        continue;
      }
      for (const pid of pids) {
        try {
          process.kill(Number(pid), 'SIGKILL');
        } catch {
          // Already gone.
        }
      }
    }
    // A frozen (v1) task only acts on its SIGKILL once thawed.
    this.thaw();
  }

  /** Stops every task of the group (no CPU, no forks) until `thaw`; false without a freezer. */
  freeze(): boolean {
    if (this.v2) return tryWrite(join(this.dirs.pids, 'cgroup.freeze'), '1');
    return !!this.dirs.freezer && tryWrite(join(this.dirs.freezer, 'freezer.state'), 'FROZEN');
  }

  thaw(): void {
    if (this.v2) tryWrite(join(this.dirs.pids, 'cgroup.freeze'), '0');
    else if (this.dirs.freezer) tryWrite(join(this.dirs.freezer, 'freezer.state'), 'THAWED');
  }

  /** After `freeze`: resolves true once every task is stopped, false if that takes over `timeoutMs`. */
  async frozen(timeoutMs = 500): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    // Usually done within a fraction of a millisecond: look again on the next turns before sleeping.
    for (let attempt = 0; ; attempt++) {
      if (this.isFrozen()) return true;
      if (Date.now() > deadline) return false;
      await new Promise((resolve) => (attempt < 50 ? setImmediate(resolve) : setTimeout(resolve, 2)));
    }
  }

  private isFrozen(): boolean {
    try {
      if (this.v2) return /^frozen 1$/m.test(readFileSync(join(this.dirs.pids, 'cgroup.events'), 'utf8'));
      return readFileSync(join(this.dirs.freezer!, 'freezer.state'), 'utf8').trim() === 'FROZEN';
    } catch {
      return false;
    }
  }

  /** True once the kernel had to OOM-kill (or refuse memory to) something in this group. */
  memoryExceeded(): boolean {
    try {
      if (this.v2)
        return /oom_kill [1-9]/.test(readFileSync(join(this.dirs.memory, 'memory.events'), 'utf8'));
      const control = readFileSync(join(this.dirs.memory, 'memory.oom_control'), 'utf8');
      if (/oom_kill [1-9]/.test(control)) return true;
      return Number(readFileSync(join(this.dirs.memory, 'memory.failcnt'), 'utf8')) > 0;
    } catch {
      return false;
    }
  }

  /** Removes the group; the kernel refuses while tasks are still exiting, so retry briefly. */
  async destroy(): Promise<void> {
    this.pidsCurrent.close();
    for (const dir of new Set(Object.values(this.dirs))) {
      if (!dir) continue;
      for (let attempt = 0; attempt < 20; attempt++) {
        try {
          rmdirSync(dir);
          break;
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code === 'ENOENT') break;
          await new Promise((resolve) => setTimeout(resolve, 25));
        }
      }
    }
  }
}

const V1_CONTROLLERS = ['memory', 'pids', 'cpu', 'freezer'];

/** cgroup v1 (one hierarchy per controller) rather than v2's single one. */
function isV1(): boolean {
  return existsSync(join(ROOT, 'memory/cgroup.procs'));
}

function createV1(name: string, spec: CgroupSpec): Cgroup {
  const memory = join(ROOT, 'memory/runlet', name);
  const pids = join(ROOT, 'pids/runlet', name);
  mkdirSync(memory, { recursive: true });
  mkdirSync(pids, { recursive: true });
  writeFileSync(join(memory, 'memory.limit_in_bytes'), `${spec.memoryBytes}`);
  // Without this, the group would swap instead of hitting its limit.
  tryWrite(join(memory, 'memory.memsw.limit_in_bytes'), `${spec.memoryBytes}`);
  tryWrite(join(memory, 'memory.swappiness'), '0');
  writeFileSync(join(pids, 'pids.max'), `${spec.maxPids}`);
  let cpu: string | undefined = join(ROOT, 'cpu/runlet', name);
  try {
    mkdirSync(cpu, { recursive: true });
    writeFileSync(join(cpu, 'cpu.cfs_quota_us'), `${Math.round(spec.cpus * 100000)}`);
  } catch {
    cpu = undefined;
  }
  let freezer: string | undefined = join(ROOT, 'freezer/runlet', name);
  try {
    mkdirSync(freezer, { recursive: true });
  } catch {
    freezer = undefined;
  }
  return new Cgroup({ memory, pids, cpu, freezer }, false);
}

function createV2(name: string, spec: CgroupSpec): Cgroup {
  const parent = join(ROOT, 'runlet');
  mkdirSync(parent, { recursive: true });
  tryWrite(join(ROOT, 'cgroup.subtree_control'), '+memory +pids +cpu');
  writeFileSync(join(parent, 'cgroup.subtree_control'), '+memory +pids');
  tryWrite(join(parent, 'cgroup.subtree_control'), '+cpu');
  const dir = join(parent, name);
  mkdirSync(dir);
  writeFileSync(join(dir, 'memory.max'), `${spec.memoryBytes}`);
  tryWrite(join(dir, 'memory.swap.max'), '0');
  writeFileSync(join(dir, 'pids.max'), `${spec.maxPids}`);
  tryWrite(join(dir, 'cpu.max'), `${Math.round(spec.cpus * 100000)} 100000`);
  return new Cgroup({ memory: dir, pids: dir }, true);
}

/** For optional knobs (e.g. no swap accounting): the limit still holds without them. */
function tryWrite(file: string, value: string): boolean {
  try {
    writeFileSync(file, value);
    return true;
  } catch {
    return false;
  }
}
