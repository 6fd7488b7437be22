import { ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createBuiltScript, startPlatform, TestPlatform } from './support/platform';
import { ensureBuilt, freePort, startRoleProcess } from './support/role-process';

/** A separate executor process with a short job lock, so a dead one's job is taken over soon. */
const startExecutor = (p: TestPlatform, metricsPort?: number): ChildProcess =>
  startRoleProcess(p, ['executor'], {
    RUNLET_EXECUTOR_LOCK_MS: '1500',
    ...(metricsPort ? { RUNLET_METRICS_PORT: String(metricsPort) } : {}),
  });

describe('an executor killed with SIGKILL mid-execution (real processes)', () => {
  let p: TestPlatform;
  const children: ChildProcess[] = [];
  beforeAll(async () => {
    ensureBuilt();
    p = await startPlatform('executor_crash', { roles: ['api', 'builder'] });
  });
  afterAll(async () => {
    for (const c of children) c.kill('SIGKILL');
    await p.close();
  });

  it('another executor takes the job over and the execution has exactly one terminal event', async () => {
    const id = await createBuiltScript(p, {
      name: 'slow',
      code: `export default async () => { console.log('working'); await new Promise((r) => setTimeout(r, 2500)); return 'finished'; }`,
    });
    const first = startExecutor(p);
    children.push(first);
    const { body } = await p.api('POST', `/api/v1/scripts/${id}/runs`, {});
    const executionId = body.executionId;
    const status = async () => (await p.api('GET', `/api/v1/executions/${executionId}`)).body;
    for (let i = 0; i < 600 && (await status()).status !== 'running'; i++)
      await new Promise((r) => setTimeout(r, 50));
    expect((await status()).status).toBe('running');

    first.kill('SIGKILL');
    const metricsPort = await freePort();
    children.push(startExecutor(p, metricsPort));

    let final: any;
    for (let i = 0; i < 600; i++) {
      final = await status();
      if (!['queued', 'running'].includes(final.status)) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(final).toMatchObject({ status: 'succeeded', result: 'finished', attempt: 2 });
    const events = (await p.api('GET', `/api/v1/events?stream=execution-${executionId}`)).body.items.map(
      (e: any) => e.type,
    );
    expect(events.filter((t: string) => t === 'ExecutionStarted')).toHaveLength(2);
    const terminal = events.filter((t: string) =>
      ['ExecutionSucceeded', 'ExecutionFailed', 'ExecutionTimedOut', 'ExecutionCancelled'].includes(t),
    );
    expect(terminal).toEqual(['ExecutionSucceeded']);

    // A process without the api role still serves /health and /metrics when given a port.
    const health = await fetch(`http://127.0.0.1:${metricsPort}/health`);
    expect(health.status).toBe(200);
    const metrics = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
    expect(metrics).toMatch(/^runlet_process_cpu_seconds_total \d/m);
  });

  it('leaves no sandbox behind: an executor killed while its warm sandboxes are idle takes them with it', async () => {
    for (const c of children.splice(0)) c.kill('SIGKILL'); // the earlier test's executors
    const id = await createBuiltScript(p, { name: 'warm', code: `export default () => 'warm'` });
    const executor = startExecutor(p);
    children.push(executor);
    // Until the executor is up, the run waits in the queue; with wait it answers once it ran there.
    const run = await p.api('POST', `/api/v1/scripts/${id}/runs`, { wait: true });
    expect(run.body).toMatchObject({ status: 'succeeded', result: 'warm' });
    // The sandboxes of this test's data dir (their bwrap arguments name its artifacts).
    const sandboxes = () =>
      readdirSync('/proc')
        .filter((entry) => /^\d+$/.test(entry))
        .filter((pid) => {
          try {
            return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(`${p.config.dataDir}/artifacts`);
          } catch {
            return false; // gone meanwhile
          }
        });
    expect(sandboxes().length).toBeGreaterThan(0); // the warm instance, idle
    executor.kill('SIGKILL');
    for (let i = 0; i < 50 && sandboxes().length > 0; i++) await new Promise((r) => setTimeout(r, 100));
    expect(sandboxes()).toEqual([]);
  });
});
