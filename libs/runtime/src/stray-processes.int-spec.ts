import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { ProcessRuntime } from './process-runtime';
import { request } from './test-requests';
import { TestArtifacts } from './test-artifacts';

/** Counts its runs (shows whether the warm instance was kept) and leaves a child behind when asked. */
const LEAVER = `
import { spawn } from 'node:child_process';
let runs = 0;
export default async (event) => {
  runs++;
  if (event.tag) {
    const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)', event.tag], { detached: event.detached, stdio: 'ignore' });
    if (event.detached) child.unref();
    await new Promise((r) => setTimeout(r, 200));
  }
  return { runs };
};`;

/** Host-side: processes whose command line ends with the tag. */
const onHost = (tag: string): number =>
  execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' })
    .split('\n')
    .filter((line) => line.trim().endsWith(tag)).length;

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 100 && !condition(); i++) await new Promise((r) => setTimeout(r, 20));
}

describe('ProcessRuntime: what a run leaves behind in a warm instance', () => {
  const artifacts = new TestArtifacts();
  const runtimes: ProcessRuntime[] = [];
  afterAll(async () => {
    await Promise.all(runtimes.map((r) => r.close()));
    artifacts.remove();
  });

  it('sandboxed: the strays are killed and the instance stays warm for the next run', async () => {
    const runtime = new ProcessRuntime({ poolSize: 1 });
    runtimes.push(runtime);
    const dir = artifacts.create(LEAVER);
    runtime.prewarm(dir, 'script-1', 1);
    const tag = `runlet-stray-${randomUUID()}`;
    expect((await runtime.run(request(dir, { event: { tag, detached: true } }))).result).toEqual({ runs: 1 });
    await until(() => onHost(tag) === 0);
    expect(onHost(tag)).toBe(0);
    expect((await runtime.run(request(dir))).result).toEqual({ runs: 2 });
  });

  it.each([true, false])(
    'without a sandbox (insecure): a run that left a child (detached: %s) retires its instance, child and all',
    async (detached) => {
      // bwrap "missing" makes the runtime fall back to running node directly.
      const runtime = new ProcessRuntime({
        poolSize: 1,
        allowInsecure: true,
        commands: { bwrap: '/nonexistent/bwrap' },
      });
      runtimes.push(runtime);
      const dir = artifacts.create(LEAVER);
      runtime.prewarm(dir, 'script-1', 1);
      expect((await runtime.run(request(dir))).result).toEqual({ runs: 1 });
      expect((await runtime.run(request(dir))).result).toEqual({ runs: 2 }); // clean runs keep it warm
      const tag = `runlet-stray-${randomUUID()}`;
      expect((await runtime.run(request(dir, { event: { tag, detached } }))).result).toEqual({ runs: 3 });
      await until(() => onHost(tag) === 0);
      expect(onHost(tag)).toBe(0);
      expect((await runtime.run(request(dir))).result).toEqual({ runs: 1 });
    },
  );

  it('sandboxed: while idle, nothing the last run left runs (its timers wait; a process one starts after the run is reaped)', async () => {
    const runtime = new ProcessRuntime({ poolSize: 1 });
    runtimes.push(runtime);
    // Leaves a timer that ticks every 5 ms and, 5 ms after the run (once it is cleaned up), starts a child.
    const dir = artifacts.create(`
      import { spawn } from 'node:child_process';
      let ticks = 0;
      setInterval(() => ticks++, 5);
      export default async (event) => {
        if (event.tag) setTimeout(() => spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)', event.tag], { detached: true, stdio: 'ignore' }).unref(), 5);
        return { ticks };
      };`);
    runtime.prewarm(dir, 'script-1', 1);
    const tag = `runlet-late-stray-${randomUUID()}`;
    const first = (await runtime.run(request(dir, { event: { tag } }))).result as { ticks: number };
    await new Promise((r) => setTimeout(r, 1000));
    expect(onHost(tag)).toBe(0);
    const second = (await runtime.run(request(dir))).result as { ticks: number };
    // Running all along, the timer would have ticked about 200 times.
    expect(second.ticks - first.ticks).toBeLessThan(40);
  });
});
