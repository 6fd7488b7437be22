import { readdirSync, readFileSync } from 'node:fs';
import { ProcessRuntime } from './process-runtime';
import { request } from './test-requests';
import { TestArtifacts } from './test-artifacts';

/** Host processes whose command line contains `marker`. */
function processesWith(marker: string): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(marker);
      } catch {
        return false;
      }
    })
    .map(Number);
}

describe('ProcessRuntime limits', () => {
  const artifacts = new TestArtifacts();
  let runtime: ProcessRuntime;

  beforeAll(() => {
    runtime = new ProcessRuntime({ poolSize: 0, maxLogBytes: 64 * 1024 });
  });
  afterAll(async () => {
    await runtime.close();
    artifacts.remove();
  });

  it('ends an endless loop as timed_out', async () => {
    const dir = artifacts.create(`export default async () => { while (true) {} };`);
    const outcome = await runtime.run(request(dir, { timeoutMs: 1000 }));
    expect(outcome.status).toBe('timed_out');
    expect(outcome.error?.message).toMatch(/timed out/);
  });

  it('fails a 2 GB allocation with a memory-limit message', async () => {
    const dir = artifacts.create(`
      export default async () => {
        const chunks = [];
        for (let i = 0; i < 32; i++) chunks.push(Buffer.alloc(64 * 1024 * 1024, 1));
        return chunks.length;
      };`);
    const outcome = await runtime.run(request(dir, { memoryMb: 128, timeoutMs: 20000 }));
    expect(outcome.status).toBe('failed');
    expect(outcome.error?.message).toMatch(/memory limit of 128 MB exceeded/);
  });

  it('fails a heap exhaustion with a memory-limit message', async () => {
    const dir = artifacts.create(`
      export default async () => { const a = []; while (true) a.push({ n: a.length, s: 'x'.repeat(64) }); };`);
    const outcome = await runtime.run(request(dir, { memoryMb: 64, timeoutMs: 20000 }));
    expect(outcome.status).toBe('failed');
    expect(outcome.error?.message).toMatch(/memory limit of 64 MB exceeded/);
  });

  it('contains a fork bomb and leaves no process behind', async () => {
    const marker = `runlet-forkbomb-${process.pid}-${Date.now()}`;
    const dir = artifacts.create(`
      import { spawn } from 'node:child_process';
      export default async () => {
        let started = 0, refused = 0;
        for (let i = 0; i < 300; i++) {
          try {
            const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000) /* ${marker} */'], { stdio: 'ignore' });
            child.on('error', () => refused++);
            started++;
          } catch { refused++; }
        }
        await new Promise((r) => setTimeout(r, 500));
        return { started, refused };
      };`);
    const bombRuntime = new ProcessRuntime({ poolSize: 0, maxPids: 64 });
    try {
      const outcome = await bombRuntime.run(request(dir, { timeoutMs: 8000, memoryMb: 512 }));
      expect(['succeeded', 'failed', 'timed_out']).toContain(outcome.status);
      if (outcome.status === 'succeeded')
        expect((outcome.result as { refused: number }).refused).toBeGreaterThan(0);
    } finally {
      await bombRuntime.close();
    }
    // The sandbox (its PID namespace and cgroup) is gone with everything it spawned.
    await new Promise((r) => setTimeout(r, 300));
    expect(processesWith(marker)).toEqual([]);
  });

  it('truncates a 50 MB stdout flood and keeps serving concurrent executions', async () => {
    const flood = artifacts.create(`
      export default async () => {
        const line = 'y'.repeat(1023) + '\\n';
        for (let i = 0; i < 50 * 1024; i++) process.stdout.write(line);
        return 'flooded';
      };`);
    const trivial = artifacts.create(`export default async () => 'ok';`);
    const floodReq = request(flood, { timeoutMs: 30000 });
    const [flooded, quick] = await Promise.all([runtime.run(floodReq), runtime.run(request(trivial))]);
    expect(quick).toMatchObject({ status: 'succeeded', result: 'ok' });
    expect(flooded).toMatchObject({ status: 'succeeded', result: 'flooded', logsTruncated: true });
    const last = floodReq.logs[floodReq.logs.length - 1];
    expect(last).toMatchObject({ stream: 'system' });
    expect(last.message).toMatch(/^\[runlet\] output truncated/);
    expect(floodReq.logs.reduce((n, l) => n + l.message.length, 0)).toBeLessThan(70 * 1024);
  });

  it('truncates output written straight to fd 1 as well', async () => {
    const dir = artifacts.create(`
      import fs from 'node:fs';
      export default async () => { for (let i = 0; i < 1000; i++) fs.writeSync(1, 'z'.repeat(1000) + '\\n'); return 1; };`);
    const outcome = await runtime.run(request(dir));
    expect(outcome).toMatchObject({ status: 'succeeded', logsTruncated: true });
  });

  it('cancels through the abort signal', async () => {
    const dir = artifacts.create(`export default async () => new Promise(() => {});`);
    const controller = new AbortController();
    const running = runtime.run(request(dir, { signal: controller.signal }));
    setTimeout(() => controller.abort(), 300);
    const outcome = await running;
    expect(outcome.status).toBe('cancelled');
  });
});
