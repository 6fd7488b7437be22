import { readdirSync, readFileSync } from 'node:fs';
import { ProcessRuntime } from './process-runtime';
import { request } from './test-requests';
import { TestArtifacts } from './test-artifacts';

/** Each instance counts its own calls, and a run lasts as long as the event asks. */
const SLOW_COUNTER = `
  let calls = 0;
  export default async (event) => {
    calls++;
    await new Promise((r) => setTimeout(r, event.waitMs ?? 0));
    return { calls };
  };`;

/** Waits for `condition`; after 60 s fails with what `state()` shows (the pool's stats). */
async function until(condition: () => boolean, state: () => unknown = () => undefined): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met; state: ${JSON.stringify(state())}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** bwrap processes this test process started (each sandbox is one, with its init and node inside). */
function sandboxesOnHost(): number {
  let n = 0;
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (comm === 'bwrap' && ppid === process.pid) n++;
    } catch {
      // exited meanwhile
    }
  }
  return n;
}

describe('ProcessRuntime elastic warm pool (real sandboxes)', () => {
  const artifacts = new TestArtifacts();
  const runtimes: ProcessRuntime[] = [];
  const make = (opts: ConstructorParameters<typeof ProcessRuntime>[0]): ProcessRuntime => {
    const runtime = new ProcessRuntime(opts);
    runtimes.push(runtime);
    return runtime;
  };
  afterEach(async () => {
    await Promise.all(runtimes.splice(0).map((r) => r.close()));
  });
  afterAll(() => artifacts.remove());

  it('grows under concurrent demand, serves later runs from the grown pool, and shrinks back after the idle window', async () => {
    const runtime = make({ poolSize: 1, maxSandboxes: 4, idleMs: 1500 });
    const dir = artifacts.create(SLOW_COUNTER);
    runtime.prewarm(dir, 'script-1', 1);
    const burst = await Promise.all(
      Array.from({ length: 4 }, () => runtime.run(request(dir, { event: { waitMs: 400 } }))),
    );
    expect(burst.map((o) => o.status)).toEqual(['succeeded', 'succeeded', 'succeeded', 'succeeded']);
    await until(
      () => runtime.poolStats().versions[0].starting === 0,
      () => runtime.poolStats(),
    );
    const grown = runtime.poolStats().versions[0];
    expect(grown.idle).toBeGreaterThan(1);
    // A second burst finds warm instances that already served runs: nothing starts from scratch.
    const colds = runtime.poolStats().coldStarts;
    const again = await Promise.all(
      Array.from({ length: grown.idle }, () => runtime.run(request(dir, { event: { waitMs: 200 } }))),
    );
    expect(again.every((o) => o.status === 'succeeded')).toBe(true);
    expect(runtime.poolStats().coldStarts).toBe(colds);
    expect(runtime.poolStats().hits).toBeGreaterThanOrEqual(grown.idle);
    // Idle for the window: back to its floor of one, which stays.
    await until(
      () => runtime.warmCount('script-1', 1) === 1,
      () => runtime.poolStats(),
    );
    expect(runtime.poolStats().evictions.idle).toBeGreaterThanOrEqual(grown.idle - 1);
    expect((await runtime.run(request(dir))).status).toBe('succeeded');
    expect(runtime.warmCount('script-1', 1)).toBe(1);
  });

  it('a burst never runs more sandboxes than the executor allows; every run is served', async () => {
    const runtime = make({ poolSize: 1, maxSandboxes: 3, idleMs: 60_000 });
    const pooled = artifacts.create(SLOW_COUNTER);
    const oneOff = artifacts.create(SLOW_COUNTER);
    runtime.prewarm(pooled, 'script-1', 1);
    let peak = 0;
    const sampler = setInterval(() => (peak = Math.max(peak, sandboxesOnHost())), 5);
    try {
      const outcomes = await Promise.all([
        ...Array.from({ length: 10 }, () => runtime.run(request(pooled, { event: { waitMs: 150 } }))),
        // Unpooled runs (never prewarmed) count against the same limit.
        ...Array.from({ length: 4 }, () =>
          runtime.run(request(oneOff, { scriptId: 'other', event: { waitMs: 150 } })),
        ),
      ]);
      expect(outcomes.map((o) => o.status)).toEqual(Array(14).fill('succeeded'));
    } finally {
      clearInterval(sampler);
    }
    expect(peak).toBeGreaterThan(0);
    expect(peak).toBeLessThanOrEqual(3);
    expect(runtime.poolStats().sandboxes).toBeLessThanOrEqual(3);
  });

  it('grows by booting at most `maxBooting` sandboxes at once, and keeps growing until the burst is served', async () => {
    const runtime = make({ poolSize: 1, maxSandboxes: 8, maxBooting: 2, idleMs: 60_000 });
    const dir = artifacts.create(SLOW_COUNTER);
    runtime.prewarm(dir, 'script-1', 1);
    await until(() => runtime.warmCount('script-1', 1) === 1 && runtime.poolStats().booting === 0);
    let peakBooting = 0;
    let peakInstances = 0;
    const sampler = setInterval(() => {
      const stats = runtime.poolStats();
      peakBooting = Math.max(peakBooting, stats.booting);
      peakInstances = Math.max(peakInstances, stats.sandboxes);
    }, 5);
    try {
      const outcomes = await Promise.all(
        Array.from({ length: 8 }, () => runtime.run(request(dir, { event: { waitMs: 2000 } }))),
      );
      expect(outcomes.map((o) => o.status)).toEqual(Array(8).fill('succeeded'));
    } finally {
      clearInterval(sampler);
    }
    expect(peakBooting).toBeGreaterThan(0);
    expect(peakBooting).toBeLessThanOrEqual(2);
    // More than one round of two boots: growth went on as boots finished.
    expect(peakInstances).toBeGreaterThan(3);
  });

  it('a run waiting for a sandbox is cancelled by its signal', async () => {
    const runtime = make({ poolSize: 1, maxSandboxes: 1 });
    const dir = artifacts.create(SLOW_COUNTER);
    runtime.prewarm(dir, 'script-1', 1);
    const busy = runtime.run(request(dir, { event: { waitMs: 1000 } }));
    const controller = new AbortController();
    const waiting = runtime.run(request(dir, { scriptId: 'other', signal: controller.signal }));
    await until(() => runtime.poolStats().waiting === 1);
    controller.abort();
    expect((await waiting).status).toBe('cancelled');
    expect((await busy).status).toBe('succeeded');
  });

  it('keeps warm sandboxes within the memory budget, stopping the least recently used version first', async () => {
    // 64 MB scripts: each sandbox counts 128 MB (its cgroup limit); room for two.
    const runtime = make({ poolSize: 1, maxSandboxes: 8, poolMemoryMb: 300 });
    const dir = artifacts.create(SLOW_COUNTER);
    const limits = { memoryMb: 64, network: 'none' as const };
    runtime.prewarm(dir, 'a', 1, limits);
    runtime.prewarm(dir, 'b', 1, limits);
    await until(() => runtime.poolStats().versions.every((v) => v.idle === 1));
    // `a` served a run after `b` was warmed: `b` is now the least recently used.
    expect((await runtime.run(request(dir, { scriptId: 'a', memoryMb: 64 }))).result).toEqual({ calls: 1 });
    runtime.prewarm(dir, 'c', 1, limits);
    await until(
      () => runtime.warmCount('b', 1) === 0 && runtime.poolStats().versions.every((v) => !v.starting),
    );
    expect(runtime.warmCount('a', 1)).toBe(1);
    expect(runtime.warmCount('c', 1)).toBe(1);
    const stats = runtime.poolStats();
    expect(stats.evictions.memory).toBe(1);
    expect(stats.memoryMb).toBeLessThanOrEqual(stats.memoryBudgetMb);
    // `a` kept its warm instance (and its state).
    expect((await runtime.run(request(dir, { scriptId: 'a', memoryMb: 64 }))).result).toEqual({ calls: 2 });
  });

  it('a newly prewarmed version of a script lets the earlier one shrink to nothing when idle', async () => {
    const runtime = make({ poolSize: 1, maxSandboxes: 8, idleMs: 300 });
    const dir = artifacts.create(SLOW_COUNTER);
    runtime.prewarm(dir, 'script-1', 1);
    runtime.prewarm(dir, 'script-1', 2);
    await until(() => runtime.warmCount('script-1', 1) === 0);
    expect(runtime.warmCount('script-1', 2)).toBe(1);
  });
});
