import type { SandboxInstance } from './sandbox-instance';
import type { SandboxLimits } from './types';

export interface WarmPoolOptions {
  /** Instances a prewarmed version keeps however long it is idle (RUNLET_POOL_SIZE); 0 = no pool. */
  minSize: number;
  /** Sandboxes at once, pooled or not, across all versions (the executor's concurrency). */
  maxSandboxes: number;
  /** What the pool's sandboxes may hold together, each counted at its memory limit. */
  memoryBudgetMb: number;
  /** Beyond `minSize`, an instance idle this long is stopped. */
  idleMs: number;
  /** A run waiting this long for a busy version's instance gets another one started. */
  growAfterMs: number;
  /**
   * Sandboxes that may boot at once to grow pools (the machine's cores): a start is CPU-bound, so
   * more at once only makes every one of them ready later, and starves the runs being served.
   */
  maxBooting: number;
  reuse: boolean;
}

/** What a run needs a sandbox for. */
export interface SandboxWant {
  artifactDir: string;
  scriptId: string;
  version: number;
  limits: SandboxLimits;
}

export interface InstanceFactory {
  create(artifactDir: string, limits: SandboxLimits): SandboxInstance;
  /** The memory a sandbox with these limits may use (its cgroup limit), in MB. */
  memoryMb(limits: SandboxLimits): number;
}

export type EvictionReason = 'memory' | 'capacity' | 'idle';

export interface VersionPoolStats {
  scriptId: string;
  version: number;
  idle: number;
  busy: number;
  starting: number;
  memoryMb: number;
}

export interface WarmPoolStats {
  versions: VersionPoolStats[];
  /** Every live sandbox, pooled or one-off. */
  sandboxes: number;
  maxSandboxes: number;
  memoryMb: number;
  memoryBudgetMb: number;
  /** Runs waiting for a sandbox. */
  waiting: number;
  /** Pooled sandboxes booting (started, not yet ready for their first run). */
  booting: number;
  /** Runs served by an instance started before they asked. */
  hits: number;
  /** Runs that waited for a sandbox started after they asked. */
  coldStarts: number;
  evictions: Record<EvictionReason, number>;
}

type MemberState = 'starting' | 'idle' | 'busy';

/** One live sandbox: of a version's pool (`entry`), or a one-off that dies after its run. */
interface Member {
  instance: SandboxInstance;
  entry?: PoolEntry;
  limits: SandboxLimits;
  costMb: number;
  state: MemberState;
  /** Pooled, and its process not yet ready once (a `starting` member may also be cleaning after a run). */
  booting: boolean;
  startedAt: number;
  timer?: NodeJS.Timeout;
  /** Killed by the pool; it still counts (capacity, memory) until it has exited. */
  stopping?: boolean;
}

/** The pool of one deployed version. */
interface PoolEntry {
  key: string;
  scriptId: string;
  version: number;
  artifactDir: string;
  limits: SandboxLimits;
  /** Kept however long idle: minSize while this is the version last prewarmed of its script. */
  floor: number;
  lastUsed: number;
  /** Instances to start as soon as there is room (prewarm, or replacing one thrown away after a run). */
  owed: number;
  members: Set<Member>;
  /** Ready instances, the most recently used last (taken first: its JIT is warm, the others may expire). */
  idle: Member[];
}

interface Waiter {
  want: SandboxWant;
  entry?: PoolEntry;
  askedAt: number;
  resolve: (instance: SandboxInstance) => void;
  reject: (err: Error) => void;
}

const keyOf = (scriptId: string, version: number): string => `${scriptId}\u0000${version}`;
const sameLimits = (a: SandboxLimits, b: SandboxLimits): boolean =>
  a.memoryMb === b.memoryMb && a.network === b.network;

/**
 * Every sandbox of a runtime: never more than `maxSandboxes` at once (a run waits for one), and,
 * per prewarmed (scriptId, version), an elastic pool of warm instances. A version's pool grows
 * with demand: a run that finds no idle instance waits for the first one free (a release, or one
 * started for it meanwhile), and whenever the last idle instance is taken the next one is started
 * in the background, so a burst waits for warm instances instead of paying a cold start per run.
 * It shrinks back to `minSize` once instances have been idle for `idleMs`. Pooled sandboxes share
 * one memory budget; room is made by stopping idle instances of the least recently used versions
 * first. An instance only ever serves its own version, one run at a time; only prewarmed versions
 * are pooled, other runs get a one-off sandbox (still within `maxSandboxes`).
 */
export class WarmPool {
  private readonly entries = new Map<string, PoolEntry>();
  private readonly members = new Map<SandboxInstance, Member>();
  private waiters: Waiter[] = [];
  private pooledMb = 0;
  private closed = false;
  private pumping = false;
  private pumpTimer?: { at: number; timer: NodeJS.Timeout };
  private readonly counts = { hits: 0, coldStarts: 0, evictions: { memory: 0, capacity: 0, idle: 0 } };

  constructor(
    private readonly options: WarmPoolOptions,
    private readonly factory: InstanceFactory,
  ) {}

  /**
   * Warms `minSize` instances of a version (making room by stopping idle instances of less recently
   * used versions); earlier versions of the script lose their floor and shrink when idle.
   */
  prewarm(artifactDir: string, scriptId: string, version: number, limits: SandboxLimits): void {
    if (this.options.minSize <= 0 || this.closed) return;
    const key = keyOf(scriptId, version);
    let entry = this.entries.get(key);
    if (entry && (entry.artifactDir !== artifactDir || !sameLimits(entry.limits, limits))) {
      this.retire(entry);
      entry = undefined;
    }
    if (!entry) {
      entry = {
        key,
        scriptId,
        version,
        artifactDir,
        limits,
        floor: 0,
        lastUsed: 0,
        owed: 0,
        members: new Set(),
        idle: [],
      };
      this.entries.set(key, entry);
    }
    for (const other of this.entries.values()) {
      if (other.scriptId === scriptId && other !== entry) other.floor = 0;
    }
    entry.floor = this.options.minSize;
    entry.lastUsed = Date.now();
    entry.owed = Math.max(0, entry.floor - this.staying(entry));
    this.payOwed(entry);
  }

  /** Starts what a version's pool is owed, making room from less recently used versions. */
  private payOwed(entry: PoolEntry): void {
    while (entry.owed > 0 && !this.closed && this.makeRoom(entry.limits, entry)) {
      entry.owed--;
      this.start(entry);
    }
  }

  /** Limits the pool of this version is warmed with (what prewarm without limits should use). */
  limitsOf(scriptId: string, version: number): SandboxLimits | undefined {
    return this.entries.get(keyOf(scriptId, version))?.limits;
  }

  /**
   * A sandbox for this run: a ready warm instance of its version, or (unpooled) a one-off that may
   * still be starting. Waits while every sandbox is busy; rejects on `signal`, on close, or when the
   * instance started for it fails to start.
   */
  acquire(want: SandboxWant, signal?: AbortSignal): Promise<SandboxInstance> {
    if (this.closed) return Promise.reject(new Error('The runtime is closed'));
    let entry = this.entries.get(keyOf(want.scriptId, want.version));
    if (entry && entry.artifactDir !== want.artifactDir) entry = undefined;
    if (entry && !sameLimits(entry.limits, want.limits)) {
      // Runs tell us the version's real limits: re-warm with those.
      const { artifactDir, scriptId, version } = entry;
      this.retire(entry);
      this.prewarm(artifactDir, scriptId, version, want.limits);
      entry = this.entries.get(entry.key);
    }
    if (entry) entry.lastUsed = Date.now();
    return new Promise((resolve, reject) => {
      const waiter: Waiter = { want, entry, askedAt: performance.now(), resolve, reject };
      const onAbort = () => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error('Execution cancelled'));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      waiter.resolve = (instance) => {
        signal?.removeEventListener('abort', onAbort);
        resolve(instance);
      };
      waiter.reject = (err) => {
        signal?.removeEventListener('abort', onAbort);
        reject(err);
      };
      this.waiters.push(waiter);
      this.pump();
    });
  }

  /**
   * Hands an instance back after a run. A pooled one stays warm with `reuse`, when still healthy,
   * once cleaned of what the run left behind; otherwise (or when that cleaning fails) it is killed,
   * and its version's pool topped up to its floor.
   */
  release(instance: SandboxInstance, healthy: boolean): void {
    const member = this.members.get(instance);
    if (!member) return void instance.kill();
    const entry = member.entry;
    const current = entry && this.entries.get(entry.key) === entry && sameLimits(entry.limits, member.limits);
    if (current && this.options.reuse && healthy && instance.alive && !this.closed) {
      instance.recycle();
      this.whenReady(member);
      return;
    }
    if (current && this.staying(entry) - 1 < entry.floor) entry.owed++;
    this.kill(member);
  }

  /** Idle (ready or starting) instances of a version. */
  idleCount(scriptId: string, version: number): number {
    const entry = this.entries.get(keyOf(scriptId, version));
    return entry ? [...entry.members].filter((m) => m.state !== 'busy').length : 0;
  }

  stats(): WarmPoolStats {
    const versions = [...this.entries.values()].map((entry) => {
      return {
        scriptId: entry.scriptId,
        version: entry.version,
        idle: this.count(entry, 'idle'),
        busy: this.count(entry, 'busy'),
        starting: this.count(entry, 'starting'),
        memoryMb: [...entry.members].reduce((sum, m) => sum + m.costMb, 0),
      };
    });
    return {
      versions,
      sandboxes: this.members.size,
      maxSandboxes: this.options.maxSandboxes,
      memoryMb: this.pooledMb,
      memoryBudgetMb: this.options.memoryBudgetMb,
      waiting: this.waiters.length,
      booting: this.booting(),
      hits: this.counts.hits,
      coldStarts: this.counts.coldStarts,
      evictions: { ...this.counts.evictions },
    };
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.pumpTimer?.timer);
    for (const waiter of this.waiters.splice(0)) waiter.reject(new Error('The runtime is closed'));
    for (const member of this.members.values()) this.kill(member);
    this.entries.clear();
  }

  /** Serves waiting runs in order with what is free, and starts what they lack where there is room. */
  private pump(): void {
    if (this.pumping) return; // re-entered from a kill or a start below: the loop sees it
    this.pumping = true;
    try {
      for (const waiter of [...this.waiters]) {
        if (this.closed) return;
        const entry =
          waiter.entry && this.entries.get(waiter.entry.key) === waiter.entry ? waiter.entry : undefined;
        if (entry) this.serveFromPool(waiter, entry);
        else if (this.makeRoom(waiter.want.limits)) {
          this.counts.coldStarts++;
          this.hand(waiter, this.start(undefined, waiter.want));
        }
      }
    } finally {
      this.pumping = false;
    }
  }

  private serveFromPool(waiter: Waiter, entry: PoolEntry): void {
    const member = entry.idle.pop();
    if (member) {
      if (member.startedAt <= waiter.askedAt) this.counts.hits++;
      else this.counts.coldStarts++;
      this.hand(waiter, member);
      // Each run takes a fresh instance: start the next one now.
      const replace = !this.options.reuse && entry.idle.length === 0 && !this.count(entry, 'starting');
      if (replace && this.hasFreeRoom(entry.limits)) this.start(entry);
      return;
    }
    const starting = this.count(entry, 'starting');
    const waiting = this.waiters.filter((w) => w.entry === entry).length;
    if (starting >= waiting) return; // one is on its way for this run
    // Short runs free an instance sooner than a start would: grow only for a run that has waited
    // a while (the current ones are busy with longer work), or when the version has none at all.
    const growAt = waiter.askedAt + this.options.growAfterMs;
    if (entry.members.size > 0 && performance.now() < growAt) return this.pumpAt(growAt);
    // A boot that ends (ready or failed) pumps again.
    if (entry.members.size > 0 && this.booting() >= this.options.maxBooting) return;
    if (this.makeRoom(entry.limits, entry)) return void this.start(entry);
    // No room in the budget for another warm one and none of its own to wait for: a one-off.
    if (entry.members.size === 0 && this.makeRoom(entry.limits)) {
      this.counts.coldStarts++;
      this.hand(waiter, this.start(undefined, waiter.want));
    }
  }

  /** Pumps again at `at` (performance.now() time), unless a pump is due before. */
  private pumpAt(at: number): void {
    if (this.pumpTimer && this.pumpTimer.at <= at) return;
    if (this.pumpTimer) clearTimeout(this.pumpTimer.timer);
    const timer = setTimeout(
      () => {
        this.pumpTimer = undefined;
        this.pump();
      },
      Math.max(1, Math.ceil(at - performance.now())),
    );
    timer.unref();
    this.pumpTimer = { at, timer };
  }

  private hand(waiter: Waiter, member: Member): void {
    this.waiters = this.waiters.filter((w) => w !== waiter);
    clearTimeout(member.timer);
    member.state = 'busy';
    waiter.resolve(member.instance);
  }

  /** Members not on their way out. */
  private staying(entry: PoolEntry): number {
    let n = 0;
    for (const member of entry.members) if (!member.stopping) n++;
    return n;
  }

  private booting(): number {
    let n = 0;
    for (const member of this.members.values()) if (member.booting && !member.stopping) n++;
    return n;
  }

  private count(entry: PoolEntry, state: MemberState): number {
    let n = 0;
    for (const member of entry.members) if (member.state === state) n++;
    return n;
  }

  /** Room for one more sandbox without stopping anything. */
  private hasFreeRoom(limits: SandboxLimits, pooled = true): boolean {
    return (
      this.members.size < this.options.maxSandboxes &&
      (!pooled || this.pooledMb + this.factory.memoryMb(limits) <= this.options.memoryBudgetMb)
    );
  }

  /**
   * True when one more sandbox (of `entry`'s pool, or a one-off without) fits now; otherwise stops
   * idle instances of the least recently used versions (never `entry`'s) towards it, and false.
   * The sandboxes stopped for capacity count until they have exited; their exit pumps again.
   */
  private makeRoom(limits: SandboxLimits, entry?: PoolEntry): boolean {
    const costMb = entry ? this.factory.memoryMb(limits) : 0;
    if (costMb > this.options.memoryBudgetMb) return false; // never fits: evict nothing for it
    if (this.hasFreeRoom(limits, entry !== undefined)) return true;
    const stopping = [...this.members.values()].filter((m) => m.stopping);
    let mb = this.pooledMb - stopping.reduce((sum, m) => sum + m.costMb, 0);
    let count = this.members.size - stopping.length;
    // Least recently used versions first; first only what a version has beyond its last
    // instance, so that room for one version does not take another's only one when it need not.
    const others = [...this.entries.values()]
      .filter((other) => other !== entry)
      .sort((a, b) => a.lastUsed - b.lastUsed);
    const surplus = others.flatMap((other) => other.idle.slice(0, Math.max(0, this.staying(other) - 1)));
    const victims = [
      ...surplus,
      ...others.flatMap((other) => other.idle.filter((m) => !surplus.includes(m))),
    ];
    for (const victim of victims) {
      const overMemory = mb + costMb > this.options.memoryBudgetMb;
      if (!overMemory && count < this.options.maxSandboxes) break; // enough is on its way out
      this.counts.evictions[overMemory ? 'memory' : 'capacity']++;
      mb -= victim.costMb;
      count--;
      this.stop(victim);
    }
    return false;
  }

  /** Starts a sandbox: for `entry`'s pool, or a one-off for `want`. */
  private start(entry: PoolEntry | undefined, want?: SandboxWant): Member {
    const limits = entry?.limits ?? want!.limits;
    const instance = this.factory.create(entry?.artifactDir ?? want!.artifactDir, limits);
    const member: Member = {
      instance,
      entry,
      limits,
      costMb: entry ? this.factory.memoryMb(limits) : 0,
      state: 'starting',
      booting: entry !== undefined,
      startedAt: performance.now(),
    };
    this.members.set(instance, member);
    this.pooledMb += member.costMb;
    entry?.members.add(member);
    void instance.exited.then(() => this.forget(member));
    if (entry) this.whenReady(member);
    return member;
  }

  /** A pooled instance starting or being cleaned: idle once ready; dropped if that fails. */
  private whenReady(member: Member): void {
    member.state = 'starting';
    member.instance.ready.then(
      () => {
        const entry = member.entry!;
        if (member.state !== 'starting' || !this.members.has(member.instance)) return;
        if (this.entries.get(entry.key) !== entry || !member.instance.alive) return this.kill(member);
        member.state = 'idle';
        member.booting = false;
        entry.idle.push(member);
        this.expireLater(member);
        this.pump();
      },
      (err: Error) => {
        if (member.state !== 'starting') return;
        this.kill(member);
        // A run waiting for this version learns why rather than waiting on a broken sandbox.
        const waiter = this.waiters.find((w) => w.entry === member.entry);
        if (waiter) {
          this.waiters = this.waiters.filter((w) => w !== waiter);
          waiter.reject(err);
        }
      },
    );
  }

  /** Idle beyond the window: stopped, unless the version's floor keeps it. */
  private expireLater(member: Member): void {
    clearTimeout(member.timer);
    member.timer = setTimeout(() => {
      const entry = member.entry!;
      if (member.state !== 'idle') return;
      if (this.staying(entry) > entry.floor || this.entries.get(entry.key) !== entry) {
        this.counts.evictions.idle++;
        this.stop(member);
      } else this.expireLater(member);
    }, this.options.idleMs);
    member.timer.unref();
  }

  private stop(member: Member): void {
    const entry = member.entry;
    if (entry) entry.idle = entry.idle.filter((m) => m !== member);
    this.kill(member);
  }

  private kill(member: Member): void {
    clearTimeout(member.timer);
    member.stopping = true;
    void member.instance.kill();
  }

  /** The sandbox is gone: its room is free again. */
  private forget(member: Member): void {
    if (!this.members.delete(member.instance)) return;
    clearTimeout(member.timer);
    this.pooledMb -= member.costMb;
    const entry = member.entry;
    if (entry) {
      entry.members.delete(member);
      entry.idle = entry.idle.filter((m) => m !== member);
      // A version no longer deployed, shrunk to nothing: its later runs are one-offs.
      const forgotten = entry.floor === 0 && entry.members.size === 0 && entry.owed === 0;
      if (forgotten && this.entries.get(entry.key) === entry && !this.waiters.some((w) => w.entry === entry))
        this.entries.delete(entry.key);
    }
    this.pump();
    // Room freed: what prewarms and replacements could not start yet, most recently used first.
    const owing = [...this.entries.values()].filter((e) => e.owed > 0);
    for (const owed of owing.sort((a, b) => b.lastUsed - a.lastUsed)) this.payOwed(owed);
  }

  /** A version's pool replaced (other artifact or limits): idle instances stop, busy ones after their run. */
  private retire(entry: PoolEntry): void {
    this.entries.delete(entry.key);
    for (const member of entry.idle.splice(0)) this.stop(member);
    for (const member of entry.members) if (member.state === 'starting') this.kill(member);
  }
}
