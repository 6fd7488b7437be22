import { chmodSync } from 'node:fs';
import { DockerRuntime } from './docker-runtime';
import { TestArtifacts } from '../test-artifacts';
import { request as testRequest } from '../test-requests';
import type { LogLine } from '@runlet/contracts';

/** The docker runtime on the real Docker engine (runlet/node-base:20 from `npm run images:base`). */
describe('DockerRuntime (real containers)', () => {
  const artifacts = new TestArtifacts();
  chmodSync(artifacts.root, 0o755);
  const runtime = new DockerRuntime({ warmPerVersion: 0 });
  const artifact = (code: string) => {
    const dir = artifacts.create(code);
    chmodSync(dir, 0o755);
    return dir;
  };
  afterAll(async () => {
    await runtime.close();
    artifacts.remove();
  });

  it('runs the script as a non-root user in a hardened container; logs are masked', async () => {
    const lines: LogLine[] = [];
    const out = await runtime.run({
      ...testRequest(
        artifact(`import fs from 'node:fs';
export default async (event, ctx) => {
  console.log('token', ctx.secrets.TOKEN);
  const status = fs.readFileSync('/proc/self/status', 'utf8');
  return { uid: process.getuid(), input: event.input, capEff: /CapEff:\\s*(\\w+)/.exec(status)[1], noNewPrivs: /NoNewPrivs:\\s*(\\d)/.exec(status)[1] };
}`),
      ),
      event: { input: 7 },
      secrets: { TOKEN: 'hunter2-secret' },
      onLog: (line) => lines.push(line),
    });
    expect(out.error).toBeUndefined();
    expect(out.status).toBe('succeeded');
    expect(out.result).toEqual({ uid: 10001, input: 7, capEff: '0000000000000000', noNewPrivs: '1' });
    expect(lines.map((l) => l.message)).toContain('token ***');
  });

  it('a docker engine that does not answer fails the execution with a clear error', async () => {
    const Docker = (await import('dockerode')).default;
    const down = new DockerRuntime({ docker: new Docker({ socketPath: '/nonexistent/docker.sock' }) });
    const out = await down.run(testRequest(artifact(`export default () => 1`)));
    expect(out.status).toBe('failed');
    expect(out.error?.message).toMatch(/Docker engine is unavailable/);
    await down.close();
  });
});
