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

  it('egress: the host is unreachable on its own addresses (a server listening on all of them)', async () => {
    const { createServer } = await import('node:net');
    const { networkInterfaces } = await import('node:os');
    const server = createServer((socket) => socket.end('hello'));
    await new Promise<void>((resolve) => server.listen(0, '0.0.0.0', resolve));
    const port = (server.address() as { port: number }).port;
    const hosts = Object.values(networkInterfaces())
      .flat()
      .filter((i) => i && i.family === 'IPv4' && !i.internal)
      .map((i) => i!.address);
    try {
      const out = await runtime.run({
        ...testRequest(
          artifact(`import net from 'node:net';
export default async (event) => Promise.all(event.hosts.map((host) => new Promise((resolve) => {
  const s = net.connect({ host, port: event.port, timeout: 1500 });
  s.on('connect', () => { s.destroy(); resolve(host + ' connected'); });
  s.on('timeout', () => { s.destroy(); resolve(host + ' timeout'); });
  s.on('error', (e) => resolve(host + ' ' + e.code));
})));`),
        ),
        event: { hosts, port },
        network: 'egress',
      });
      expect(out.status).toBe('succeeded');
      expect(hosts.length).toBeGreaterThan(0);
      for (const line of out.result as string[]) expect(line).not.toMatch(/connected/);
    } finally {
      server.close();
    }
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
