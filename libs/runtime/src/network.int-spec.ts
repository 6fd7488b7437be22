import { createServer, type Server } from 'node:net';
import { networkInterfaces } from 'node:os';
import { startOutsideHttpServer } from '@runlet/testing';
import { ProcessRuntime } from './process-runtime';
import { request } from './test-requests';
import { TestArtifacts } from './test-artifacts';

const probe = `
  import net from 'node:net';
  const tryConnect = (host, port) => new Promise((resolve) => {
    const socket = net.connect({ host, port, timeout: 1500 });
    socket.once('connect', () => { socket.destroy(); resolve('connected'); });
    socket.once('timeout', () => { socket.destroy(); resolve('timeout'); });
    socket.once('error', (e) => resolve(e.code || e.message));
  });
  export default async (event) => {
    const out = {};
    for (const [host, port] of event.targets) out[host + ':' + port] = await tryConnect(host, port);
    return { results: out, interfaces: Object.keys((await import('node:os')).networkInterfaces()).sort() };
  };`;

function hostAddress(): string | undefined {
  return Object.values(networkInterfaces())
    .flat()
    .find((i) => i && i.family === 'IPv4' && !i.internal)?.address;
}

describe('ProcessRuntime network policies', () => {
  const artifacts = new TestArtifacts();
  let runtime: ProcessRuntime;
  let server: Server;
  let port: number;

  beforeAll(async () => {
    runtime = new ProcessRuntime({ poolSize: 0 });
    // A service on all host interfaces, standing in for anything the host exposes on its own address.
    server = createServer((socket) => socket.end());
    await new Promise<void>((resolve) => server.listen(0, '0.0.0.0', resolve));
    port = (server.address() as { port: number }).port;
  });
  afterAll(async () => {
    await runtime.close();
    server.close();
    artifacts.remove();
  });

  it.each(['none', 'egress'] as const)(
    'never reaches the host loopback (PostgreSQL, Redis) under %s',
    async (network) => {
      const dir = artifacts.create(probe);
      const targets = [
        ['127.0.0.1', 5432],
        ['127.0.0.1', 6379],
        ['127.0.0.1', port],
        ['10.0.2.2', 5432],
        ['10.0.2.2', 6379],
        ['169.254.169.254', 80],
        ['192.168.1.1', 80],
        ['10.0.0.1', 80],
        ['172.16.0.1', 80],
      ];
      const address = hostAddress();
      if (address) targets.push([address, port]);
      const outcome = await runtime.run(request(dir, { network, event: { targets }, timeoutMs: 20000 }));
      expect(outcome.error).toBeUndefined();
      const { results, interfaces } = outcome.result as {
        results: Record<string, string>;
        interfaces: string[];
      };
      for (const [target, result] of Object.entries(results))
        expect([target, result]).not.toEqual([target, 'connected']);
      expect(interfaces).toEqual(network === 'none' ? ['lo'] : ['lo', 'tap0']);
    },
  );

  it('egress reaches a server outside (a real HTTP server in a container on a TEST-NET network); none does not', async () => {
    const outside = await startOutsideHttpServer(
      `runlet-${process.env.RUNLET_TEST_DB_PREFIX ?? 'runlet'}-outside`,
    );
    try {
      const dir = artifacts.create(`
        export default async (event) => fetch(event.url, { signal: AbortSignal.timeout(5000) })
          .then((res) => res.text(), (e) => 'refused: ' + (e.cause?.code ?? e.message));`);
      const egress = await runtime.run(
        request(dir, { network: 'egress', event: { url: outside.url }, timeoutMs: 20000 }),
      );
      expect(egress).toMatchObject({ status: 'succeeded', result: 'hello from outside' });
      const none = await runtime.run(
        request(dir, { network: 'none', event: { url: outside.url }, timeoutMs: 20000 }),
      );
      expect(none).toMatchObject({ status: 'succeeded', result: expect.stringMatching(/^refused: /) });
    } finally {
      outside.stop();
    }
  });

  it.each(['none', 'egress'] as const)(
    'under %s the script runs as nobody with no capability (also in the user namespace unshare makes for egress)',
    async (network) => {
      const dir = artifacts.create(`
        import fs from 'node:fs';
        export default () => {
          const status = fs.readFileSync('/proc/self/status', 'utf8');
          const field = (name) => status.split('\\n').find((line) => line.startsWith(name + ':')).split(':')[1].trim();
          return { uid: process.getuid(), gid: process.getgid(), eff: field('CapEff'), prm: field('CapPrm'), amb: field('CapAmb') };
        };`);
      const outcome = await runtime.run(request(dir, { network, timeoutMs: 20000 }));
      expect(outcome.error).toBeUndefined();
      const none = '0000000000000000';
      expect(outcome.result).toEqual({ uid: 65534, gid: 65534, eff: none, prm: none, amb: none });
    },
  );

  it('under egress the script is imported only once its network is in place (node starts meanwhile)', async () => {
    const dir = artifacts.create(`
      import os from 'node:os';
      const atImport = Object.keys(os.networkInterfaces()).sort();
      export default () => atImport;`);
    const outcome = await runtime.run(request(dir, { network: 'egress', timeoutMs: 20000 }));
    expect(outcome.error).toBeUndefined();
    expect(outcome.result).toEqual(['lo', 'tap0']);
  });
});
