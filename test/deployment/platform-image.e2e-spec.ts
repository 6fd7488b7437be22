import { spawnSync } from 'node:child_process';
import { networkInterfaces } from 'node:os';
import { startOutsideHttpServer, type OutsideHttpServer } from '@runlet/testing';
import { recreateTestDatabase, REDIS_URL } from '../support/database';
import { freePort } from '../support/role-process';
import { createBuiltScript, docker, ensureBaseImages, eventually } from './support/docker';

// The platform image (./Dockerfile), built with the local Docker engine from the locally built
// base images, run as three containers, one per role (api, builder, executor), against the
// machine's PostgreSQL and Redis (--network host) and one shared data volume (artifacts).
// The executor's bubblewrap needs, inside Docker, seccomp unconfined (user namespaces) and an
// unmasked /proc (systempaths=unconfined) to mount /proc in the sandbox, and /dev/net/tun for
// slirp4netns (egress): no capability is added and the container user stays 10001.
const PREFIX = process.env.RUNLET_TEST_DB_PREFIX ?? 'runlet';
const IMAGE = `runlet/platform:test-${PREFIX}`;
const NAME = `runlet-${PREFIX}-image`;
const ADMIN_KEY = `image-test-key-${PREFIX}`;
describe('platform image (real Docker engine, PostgreSQL, Redis, bwrap in a container)', () => {
  let apiPort: number;
  let executorPort: number;
  const containers: string[] = [];
  let env: Record<string, string>;
  let outside: OutsideHttpServer | undefined;

  const api = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`http://127.0.0.1:${apiPort}${path}`, {
      method,
      headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: await res.json() };
  };

  const run = (role: string, env: Record<string, string>, extra: string[] = [], name = `${NAME}-${role}`) => {
    docker('rm', '-fv', name);
    const envArgs = Object.entries(env).flatMap(([k, v]) => ['-e', `${k}=${v}`]);
    docker(
      'run',
      '-d',
      '--name',
      name,
      '--network',
      'host',
      '-v',
      `${NAME}-data:/data`,
      ...envArgs,
      ...extra,
      IMAGE,
      '--roles',
      role,
    );
    containers.push(name);
  };

  beforeAll(async () => {
    ensureBaseImages();
    docker('build', '-q', '-t', IMAGE, '-f', 'Dockerfile', '.');
    outside = await startOutsideHttpServer(`${NAME}-outside`);
    const databaseUrl = await recreateTestDatabase('platform_image');
    [apiPort, executorPort] = [await freePort(), await freePort()];
    const builderPort = await freePort();
    docker('volume', 'rm', '-f', `${NAME}-data`);
    env = { DATABASE_URL: databaseUrl, REDIS_URL, RUNLET_ADMIN_KEY: ADMIN_KEY };
    run('api', { ...env, PORT: String(apiPort) });
    await eventually(
      'the api to answer',
      async () => ((await fetch(`http://127.0.0.1:${apiPort}/health`)).ok ? true : undefined),
      60_000,
    );
    run('builder', { ...env, RUNLET_METRICS_PORT: String(builderPort) });
    run('executor', { ...env, RUNLET_METRICS_PORT: String(executorPort) }, [
      '--security-opt',
      'seccomp=unconfined',
      '--security-opt',
      'systempaths=unconfined',
      '--device',
      '/dev/net/tun',
    ]);
  }, 15 * 60_000);

  afterAll(() => {
    for (const name of containers) docker('rm', '-fv', name);
    docker('volume', 'rm', '-f', `${NAME}-data`);
    outside?.stop();
  });

  /** Creates a script, waits for its build and runs it once, waiting for the outcome. */
  const buildAndRun = async (script: { name: string; network: string; code: string }, input: unknown) => {
    const scriptId = await createBuiltScript(api, script);
    const run = await api('POST', `/api/v1/scripts/${scriptId}/runs`, { input, wait: true });
    expect(run.status).toBe(200);
    return run.body;
  };

  it('runs as the non-root user with production dependencies only', () => {
    expect(docker('image', 'inspect', '-f', '{{.Config.User}}', IMAGE)).toBe('10001:10001');
    // dev dependencies (jest, typescript) are not in the image; runtime ones are
    const probe = (pkg: string) =>
      docker(
        'run',
        '--rm',
        '--entrypoint',
        'node',
        IMAGE,
        '-e',
        `try { require.resolve('${pkg}/package.json'); console.log('yes') } catch { console.log('no') }`,
      );
    expect([probe('typescript'), probe('jest'), probe('@nestjs/core'), probe('bullmq')]).toEqual([
      'no',
      'no',
      'yes',
      'yes',
    ]);
  });

  it('serves /health with --roles api and with --roles executor, and Docker sees both healthy', async () => {
    const apiHealth = await fetch(`http://127.0.0.1:${apiPort}/health`);
    expect(apiHealth.status).toBe(200);
    expect((await apiHealth.json()).checks).toMatchObject({ postgres: 'up', redis: 'up' });
    const executorHealth = await eventually(
      'the executor to answer /health',
      async () => {
        const res = await fetch(`http://127.0.0.1:${executorPort}/health`);
        return res.ok ? res : undefined;
      },
      60_000,
    );
    expect(executorHealth.status).toBe(200);
    for (const role of ['api', 'executor'])
      await eventually(
        `the ${role} container's HEALTHCHECK to pass`,
        async () =>
          docker('inspect', '-f', '{{.State.Health.Status}}', `${NAME}-${role}`) === 'healthy'
            ? true
            : undefined,
        90_000,
      );
  }, 180_000);

  it('builds a script with an npm dependency and runs it end to end in the executor container', async () => {
    const run = await buildAndRun(
      {
        name: 'in-containers',
        network: 'none',
        code: `import dayjs from 'dayjs';\nexport default async (event) => ({ year: dayjs('2020-01-02').year(), input: event.input, uid: process.getuid() })`,
      },
      { n: 1 },
    );
    expect({ status: run.status, error: run.error }).toEqual({ status: 'succeeded', error: null });
    expect(run.result).toMatchObject({ year: 2020, input: { n: 1 } });
    // the sandbox's own user, not the container's
    expect(run.result.uid).not.toBe(10001);
  }, 300_000);

  it('an egress script in the non-root executor container fetches from a server outside (a real HTTP server in a container on a TEST-NET network), never from the host', async () => {
    // The api's port on the host's loopback and on the host's own addresses: all must stay closed.
    const hostAddresses = Object.values(networkInterfaces())
      .flat()
      .filter((i) => i && i.family === 'IPv4')
      .map((i) => i!.address);
    const run = await buildAndRun(
      {
        name: 'egress-in-container',
        network: 'egress',
        code: `import fs from 'node:fs';
const get = (url) => fetch(url, { signal: AbortSignal.timeout(3000) }).then((r) => r.text(), (e) => 'refused: ' + (e.cause?.code ?? e.message));
export default async (event) => ({
  outside: await get(event.input.outside),
  host: await Promise.all(event.input.host.map(async (url) => url + ' ' + (await get(url)))),
  uid: process.getuid(),
  capEff: fs.readFileSync('/proc/self/status', 'utf8').split('\\n').find((line) => line.startsWith('CapEff:')),
})`,
      },
      {
        outside: outside!.url,
        host: hostAddresses.map((address) => `http://${address}:${apiPort}/health`),
      },
    );
    expect({ status: run.status, error: run.error }).toEqual({ status: 'succeeded', error: null });
    expect(run.result.outside).toBe('hello from outside');
    expect(hostAddresses).toContain('127.0.0.1');
    for (const answer of run.result.host) expect(answer).toMatch(/ refused: /);
    // nobody, with no capability, in the user namespaces nested in the one made for its network
    expect(run.result).toMatchObject({ uid: 65534, capEff: 'CapEff:\t0000000000000000' });
  }, 300_000);

  it.each([
    ['no security options', []],
    ['seccomp unconfined alone', ['--security-opt', 'seccomp=unconfined']],
    ['an unmasked /proc alone', ['--security-opt', 'systempaths=unconfined']],
  ])(
    'an executor container with %s refuses to start, saying why (the options above are the least it needs)',
    async (_, options) => {
      const name = `${NAME}-unprivileged`;
      run('executor', env, options, name);
      const code = await eventually(
        'the executor to exit',
        async () =>
          docker('inspect', '-f', '{{.State.Running}}', name) === 'false'
            ? docker('inspect', '-f', '{{.State.ExitCode}}', name)
            : undefined,
        60_000,
      );
      expect(code).not.toBe('0');
      const logs = spawnSync('docker', ['logs', name], { encoding: 'utf8' });
      expect(logs.stdout + logs.stderr).toContain(
        'The process runtime cannot sandbox scripts: bubblewrap (bwrap) cannot create a sandbox here',
      );
    },
    90_000,
  );

  it("an executor container without /dev/net/tun runs network 'none' scripts, and fails egress ones naming the device", async () => {
    // The only executor meanwhile: the one with every option stops (and starts again after).
    docker('stop', `${NAME}-executor`);
    const name = `${NAME}-no-tun`;
    const options = ['--security-opt', 'seccomp=unconfined', '--security-opt', 'systempaths=unconfined'];
    run('executor', { ...env, RUNLET_METRICS_PORT: String(await freePort()) }, options, name);
    try {
      const code = `export default async () => 'ran'`;
      const none = await buildAndRun({ name: 'no-tun-none', network: 'none', code }, {});
      expect({ status: none.status, error: none.error, result: none.result }).toEqual({
        status: 'succeeded',
        error: null,
        result: 'ran',
      });
      const egress = await buildAndRun({ name: 'no-tun-egress', network: 'egress', code }, {});
      expect(egress.status).toBe('failed');
      expect(egress.error.message).toMatch(
        /^The sandbox could not start: slirp4netns exited with code 1: .*\/dev\/net\/tun/,
      );
      expect(egress.error.message).toContain(
        "(network 'egress' needs the device /dev/net/tun: in a container, add it, e.g. docker run --device /dev/net/tun)",
      );
    } finally {
      docker('rm', '-fv', name);
      docker('start', `${NAME}-executor`);
    }
  }, 300_000);
});
