import { execFileSync, spawnSync } from 'node:child_process';
import { parse } from 'yaml';
import { freePort } from '../support/role-process';
import { createBuiltScript, docker, ensureBaseImages, eventually, ROOT } from './support/docker';

// `docker-compose up` of the real docker-compose.yml on this machine's Docker engine (20.10, with
// Debian's docker-compose v1). Its third-party images are built here from Debian packages
// (`npm run images:services`), and the override file replaces only what cannot run here.
const PREFIX = process.env.RUNLET_TEST_DB_PREFIX ?? 'runlet';
const PROJECT = `runlet-compose-${PREFIX}`.toLowerCase().replace(/[^a-z0-9-]/g, '-');
const OVERRIDE = 'test/deployment/compose.postgres-override.yml';
const ADMIN_KEY = `compose-test-key-${PREFIX}`;
const PLATFORM_IMAGE = `runlet/platform:compose-${PREFIX}`;
const CONSOLE_IMAGE = `runlet/console:compose-${PREFIX}`;

describe('docker-compose up of docker-compose.yml (real Docker engine; CockroachDB replaced by PostgreSQL: no CockroachDB image on this machine)', () => {
  let env: NodeJS.ProcessEnv;
  let apiUrl: string;
  let consoleUrl: string;
  let startedAt: Date;

  const compose = (...args: string[]) =>
    execFileSync('docker-compose', ['-p', PROJECT, '-f', 'docker-compose.yml', '-f', OVERRIDE, ...args], {
      cwd: ROOT,
      env,
      encoding: 'utf8',
      maxBuffer: 64 << 20,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  const down = () =>
    spawnSync(
      'docker-compose',
      ['-p', PROJECT, '-f', 'docker-compose.yml', '-f', OVERRIDE, 'down', '-v', '--remove-orphans'],
      {
        cwd: ROOT,
        env,
        stdio: 'ignore',
      },
    );
  const api = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${apiUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: await res.json() };
  };
  /** The project's containers (also stopped ones), networks or volumes, by compose's label. */
  const leftovers = (kind: 'ps' | 'network' | 'volume') =>
    docker(
      ...(kind === 'ps' ? ['ps', '-a'] : [kind, 'ls']),
      '-q',
      '--filter',
      `label=com.docker.compose.project=${PROJECT}`,
    )
      .split('\n')
      .filter(Boolean);

  /**
   * Compose v1 (the one on this machine) refuses `security_opt: systempaths=unconfined` (a Docker
   * CLI option: "invalid --security-opt"), so the executor service is started as the README says
   * for such Compose versions: `docker run` with the service's own configuration from
   * `docker-compose config`, on the project's network and volume, labelled as the service's
   * container (so `docker-compose ps` and `down` treat it as theirs).
   */
  const startExecutorAsReadmeSays = () => {
    const service = parse(compose('config'), { merge: true }).services.executor;
    const volumes = (service.volumes as string[]).map((v) => `${PROJECT}_${v}`);
    docker(
      'run',
      '-d',
      '--name',
      `${PROJECT}_executor_1`,
      '--network',
      `${PROJECT}_default`,
      '--network-alias',
      'executor',
      '--restart',
      service.restart,
      ...['project', 'service', 'oneoff', 'container-number'].flatMap((label) => [
        '--label',
        `com.docker.compose.${label}=${{ project: PROJECT, service: 'executor', oneoff: 'False', 'container-number': '1' }[label]}`,
      ]),
      ...Object.entries(service.environment).flatMap(([k, v]) => ['-e', `${k}=${v}`]),
      ...volumes.flatMap((v) => ['-v', v.replace(/:rw$/, '')]),
      ...(service.security_opt as string[]).flatMap((o) => ['--security-opt', o]),
      ...(service.devices as string[]).flatMap((d) => ['--device', d]),
      service.image,
      ...service.command,
    );
  };

  beforeAll(async () => {
    ensureBaseImages();
    execFileSync('node', ['scripts/images/build-service-image.js', 'redis', 'postgres', 'registry'], {
      cwd: ROOT,
      stdio: 'inherit',
    });
    docker('build', '-q', '-t', PLATFORM_IMAGE, '-f', 'Dockerfile', '.');
    docker('build', '-q', '-t', CONSOLE_IMAGE, '-f', 'Dockerfile.console', '.');
    const [apiPort, consolePort, registryPort] = [await freePort(), await freePort(), await freePort()];
    apiUrl = `http://127.0.0.1:${apiPort}`;
    consoleUrl = `http://127.0.0.1:${consolePort}`;
    env = {
      ...process.env,
      RUNLET_IMAGE: PLATFORM_IMAGE,
      RUNLET_CONSOLE_IMAGE: CONSOLE_IMAGE,
      REDIS_IMAGE: 'runlet/redis:local',
      REGISTRY_IMAGE: 'runlet/registry:local',
      POSTGRES_IMAGE: 'runlet/postgres:local',
      RUNLET_API_PORT: String(apiPort),
      RUNLET_CONSOLE_PORT: String(consolePort),
      RUNLET_REGISTRY_PORT: String(registryPort),
      RUNLET_PUBLIC_URL: apiUrl,
      RUNLET_ADMIN_KEY: ADMIN_KEY,
      RUNLET_MASTER_KEY: 'a'.repeat(64),
      RUNLET_SECRET_KEY: 'b'.repeat(64),
    };
    down();
    startedAt = new Date(Date.now() - 1000);
    // Compose itself waits for each service's dependencies to be healthy before starting it.
    compose('up', '-d', '--no-build', '--scale', 'executor=0');
    startExecutorAsReadmeSays();
  }, 20 * 60_000);

  afterAll(() => {
    down();
  });

  it('starts every service only once what it depends on is healthy, and every health check passes', async () => {
    const config = parse(compose('config'), { merge: true });
    const services = Object.keys(config.services);
    expect(services.sort()).toEqual(
      ['api', 'builder', 'cockroachdb', 'console', 'executor', 'redis', 'registry', 'scheduler'].sort(),
    );
    const containerOf = (service: string) => compose('ps', '-q', service).trim();
    for (const service of services)
      await eventually(
        `${service} to be healthy`,
        async () =>
          docker('inspect', '-f', '{{.State.Health.Status}}', containerOf(service)) === 'healthy'
            ? true
            : undefined,
        180_000,
      );
    // The engine's own record of what happened, in order: starts and health transitions.
    const events = docker(
      'events',
      '--since',
      startedAt.toISOString(),
      '--until',
      new Date().toISOString(),
      '--filter',
      `label=com.docker.compose.project=${PROJECT}`,
      '--filter',
      'type=container',
      '--format',
      '{{json .}}',
    )
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line));
    const serviceOf = (e: any) => e.Actor.Attributes['com.docker.compose.service'];
    const at = (service: string, status: string) =>
      events.find((e) => serviceOf(e) === service && e.status === status)?.timeNano;
    for (const service of services) {
      expect({ service, started: at(service, 'start') !== undefined }).toEqual({ service, started: true });
      // (the executor is started by this test once compose is done, see startExecutorAsReadmeSays)
      if (service === 'executor') continue;
      for (const dependency of Object.keys(config.services[service].depends_on ?? {})) {
        const healthy = at(dependency, 'health_status: healthy');
        expect({
          service,
          dependency,
          healthyFirst: healthy !== undefined && healthy < at(service, 'start'),
        }).toEqual({
          service,
          dependency,
          healthyFirst: true,
        });
      }
    }
    // the api says its PostgreSQL and Redis are up
    const health = await (await fetch(`${apiUrl}/health`)).json();
    expect(health.checks).toMatchObject({ postgres: 'up', redis: 'up' });
  }, 240_000);

  it('builds a script with an npm dependency, runs it by hand and by webhook, and keeps its logs', async () => {
    const scriptId = await createBuiltScript(api, {
      name: 'through-compose',
      network: 'none',
      code: `import dayjs from 'dayjs';
export default async (event, ctx) => {
  ctx.log.info('hello from compose', event.trigger.type);
  return event.http ? { status: 202, body: { year: dayjs('2021-03-04').year(), got: event.http.body } } : { year: dayjs('2020-01-02').year(), input: event.input };
}`,
    });

    const run = await api('POST', `/api/v1/scripts/${scriptId}/runs`, { input: { n: 1 }, wait: true });
    expect(run.status).toBe(200);
    expect({ status: run.body.status, error: run.body.error, result: run.body.result }).toEqual({
      status: 'succeeded',
      error: null,
      result: { year: 2020, input: { n: 1 } },
    });
    const logs = await api('GET', `/api/v1/executions/${run.body.id}/logs`);
    expect(logs.body.items.map((l: any) => l.message)).toContain('hello from compose manual');

    const trigger = await api('POST', `/api/v1/scripts/${scriptId}/triggers`, { type: 'http' });
    expect(trigger.status).toBe(201);
    const hook = await fetch(`${apiUrl}/hooks/${trigger.body.id}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ order: 7 }),
    });
    expect(hook.status).toBe(202);
    expect(await hook.json()).toEqual({ year: 2021, got: { order: 7 } });
    const hookLogs = await api('GET', `/api/v1/executions/${hook.headers.get('x-runlet-execution-id')}/logs`);
    expect(hookLogs.body.items.map((l: any) => l.message)).toContain('hello from compose http');
  }, 360_000);

  it('the console answers on its port', async () => {
    const page = await eventually(
      'the console to answer',
      async () => {
        const res = await fetch(`${consoleUrl}/sign-in`, { signal: AbortSignal.timeout(10_000) });
        return res.status === 200 ? await res.text() : undefined;
      },
      60_000,
    );
    expect(page).toContain('Runlet console');
  });

  it('`docker-compose down -v` leaves no container, network or volume of the project', () => {
    expect(leftovers('ps').length).toBeGreaterThan(0);
    down();
    expect({
      containers: leftovers('ps'),
      networks: leftovers('network'),
      volumes: leftovers('volume'),
    }).toEqual({
      containers: [],
      networks: [],
      volumes: [],
    });
  });
});
