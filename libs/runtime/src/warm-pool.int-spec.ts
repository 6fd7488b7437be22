import { ProcessRuntime } from './process-runtime';
import { request } from './test-requests';
import { TestArtifacts } from './test-artifacts';

/** Counts its calls at module level: the count shows whether an instance (and its state) was reused. */
const COUNTER = `
  let calls = 0;
  export default async () => ({ calls: ++calls });`;

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((r) => setTimeout(r, 20));
}

describe('ProcessRuntime warm pool', () => {
  const artifacts = new TestArtifacts();
  const runtimes: ProcessRuntime[] = [];
  const make = (reuse: boolean): ProcessRuntime => {
    const runtime = new ProcessRuntime({ poolSize: 1, reuse });
    runtimes.push(runtime);
    return runtime;
  };
  afterAll(async () => {
    await Promise.all(runtimes.map((r) => r.close()));
    artifacts.remove();
  });

  it('serves runs of a prewarmed version from a pre-started instance and reuses it', async () => {
    const runtime = make(true);
    const dir = artifacts.create(COUNTER);
    runtime.prewarm(dir, 'script-1', 1);
    expect(runtime.warmCount('script-1', 1)).toBe(1);
    const first = await runtime.run(request(dir));
    const second = await runtime.run(request(dir));
    expect([first.result, second.result]).toEqual([{ calls: 1 }, { calls: 2 }]);
    expect(runtime.warmCount('script-1', 1)).toBe(1);
  });

  it('never lets another version use the instance', async () => {
    const runtime = make(true);
    const dir = artifacts.create(COUNTER);
    runtime.prewarm(dir, 'script-1', 1);
    await runtime.run(request(dir, { version: 1 }));
    const other = await runtime.run(request(dir, { version: 2 }));
    const again = await runtime.run(request(dir, { version: 1 }));
    expect(other.result).toEqual({ calls: 1 });
    expect(again.result).toEqual({ calls: 2 });
  });

  it('gives every run fresh state without reuse, refilling the pool in the background', async () => {
    const runtime = make(false);
    const dir = artifacts.create(COUNTER);
    runtime.prewarm(dir, 'script-1', 1);
    const first = await runtime.run(request(dir));
    await until(() => runtime.warmCount('script-1', 1) === 1);
    const second = await runtime.run(request(dir));
    expect([first.result, second.result]).toEqual([{ calls: 1 }, { calls: 1 }]);
  });

  it('starts a fresh process per run for versions that were never prewarmed', async () => {
    const runtime = make(true);
    const dir = artifacts.create(COUNTER);
    const first = await runtime.run(request(dir, { scriptId: 'cold' }));
    const second = await runtime.run(request(dir, { scriptId: 'cold' }));
    expect([first.result, second.result]).toEqual([{ calls: 1 }, { calls: 1 }]);
    expect(runtime.warmCount('cold', 1)).toBe(0);
  });

  it('does not reuse an instance after a timeout', async () => {
    const runtime = make(true);
    const dir = artifacts.create(`
      let calls = 0;
      export default async (event) => { calls++; if (event.hang) while (true) {} return { calls }; };`);
    runtime.prewarm(dir, 'script-1', 1);
    expect((await runtime.run(request(dir, { event: { hang: true }, timeoutMs: 500 }))).status).toBe(
      'timed_out',
    );
    const next = await runtime.run(request(dir));
    expect(next).toMatchObject({ status: 'succeeded', result: { calls: 1 } });
  });
});
