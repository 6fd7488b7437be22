import { ChildProcess, execSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer, AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createBuiltScript, startPlatform, TestPlatform } from './support/platform';

const MAIN = join(__dirname, '..', 'dist', 'apps', 'api', 'src', 'main.js');

/** Starts a separate executor process (the built platform with only the executor role). */
function startExecutor(p: TestPlatform, metricsPort?: number): ChildProcess {
  return spawn(process.execPath, [MAIN, '--roles', 'executor'], {
    env: {
      ...process.env,
      ...(metricsPort ? { RUNLET_METRICS_PORT: String(metricsPort) } : {}),
      DATABASE_URL: p.config.databaseUrl,
      REDIS_URL: p.config.redisUrl,
      RUNLET_DATA_DIR: p.config.dataDir,
      RUNLET_EXECUTOR_LOCK_MS: '1500',
    },
    stdio: 'ignore',
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

describe('an executor killed with SIGKILL mid-execution (real processes)', () => {
  let p: TestPlatform;
  const children: ChildProcess[] = [];
  beforeAll(async () => {
    if (!existsSync(MAIN)) execSync('npm run build', { stdio: 'inherit' });
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
});
