import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  symlinkSync,
} from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureBuilt } from './support/role-process';

/**
 * `npm start` on a fresh machine: no PostgreSQL or Redis reachable, DATABASE_URL / REDIS_URL unset.
 *
 * Simulated without touching the machine's shared PostgreSQL and Redis: the platform runs the
 * README's command (`node dist/apps/runlet/src/main.js`) in a private network namespace (`unshare
 * --net`), whose loopback has nothing on 5432 or 6379. That namespace cannot reach the npm
 * registry, so the script's dependency is served by a registry stand-in inside it
 * (RUNLET_NPM_REGISTRY): the real `dayjs` tarball, packed from the registry before the test, over
 * npm's registry protocol, so the builder's real `npm install` runs unchanged. The test reaches the
 * API through a bridge inside the namespace that listens on a Unix socket (file system, not network).
 */
const MAIN = join(__dirname, '..', 'dist', 'apps', 'runlet', 'src', 'main.js');
const COMPANION = join(__dirname, 'fresh-machine', 'namespace-companion.js');
const ADMIN_KEY = 'fresh-machine-admin-key';
/** Full paths: some runs below get a PATH without them. */
const which = (program: string) =>
  execFileSync('sh', ['-c', `command -v ${program}`], { encoding: 'utf8' }).trim();

interface Reply {
  status: number;
  body: any;
}

describe('npm start on a fresh machine (private network namespace, embedded PostgreSQL, redis-server from PATH, local registry stand-in)', () => {
  let root: string;
  let dataDir: string;
  let socketPath: string;
  let companion: ChildProcess;
  let companionOutput = '';
  let platform: ChildProcess | undefined;
  let platformOutput = '';

  /** One HTTP request through the bridge into the namespace. */
  const call = (method: string, path: string, body?: unknown): Promise<Reply> =>
    new Promise((resolve, reject) => {
      const payload = body === undefined ? undefined : JSON.stringify(body);
      const req = request(
        {
          socketPath,
          method,
          path,
          headers: {
            authorization: `Bearer ${ADMIN_KEY}`,
            ...(payload ? { 'content-type': 'application/json' } : {}),
          },
        },
        (res) => {
          let text = '';
          res.on('data', (chunk) => (text += chunk));
          res.on('end', () => {
            let parsed: unknown = text;
            try {
              parsed = JSON.parse(text);
            } catch {
              // not JSON: keep the text
            }
            resolve({ status: res.statusCode!, body: parsed });
          });
        },
      );
      req.once('error', reject);
      req.end(payload);
    });

  const until = async <T>(
    what: string,
    check: () => Promise<T | undefined>,
    timeoutMs = 180_000,
  ): Promise<T> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await check();
      if (value !== undefined) return value;
      if (platform && platform.exitCode !== null)
        throw new Error(
          `platform exited (${platform.exitCode}) while waiting for ${what}:\n${platformOutput}`,
        );
      if (Date.now() > deadline) throw new Error(`${what} did not happen:\n${platformOutput}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  };

  /** The environment of a fresh machine's user: no URLs set. */
  const freshEnv = (): NodeJS.ProcessEnv => {
    const env: NodeJS.ProcessEnv = {};
    for (const [key, value] of Object.entries(process.env))
      if (!/^(npm_|DATABASE_URL$|REDIS_URL$|JEST|RUNLET_)/i.test(key)) env[key] = value;
    Object.assign(env, {
      NO_COLOR: '1',
      PORT: '8080',
      RUNLET_DATA_DIR: dataDir,
      RUNLET_ADMIN_KEY: ADMIN_KEY,
      RUNLET_NPM_REGISTRY: 'http://127.0.0.1:4873/',
    });
    return env;
  };

  /** Runs the README's command in the namespace until it exits; its exit code and output. */
  const runToExit = (env: NodeJS.ProcessEnv): Promise<{ code: number | null; output: string }> =>
    new Promise((resolve) => {
      const child = spawn(which('nsenter'), [`--net=/proc/${companion.pid}/ns/net`, process.execPath, MAIN], {
        cwd: root,
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      child.stdout.on('data', (chunk) => (output += chunk));
      child.stderr.on('data', (chunk) => (output += chunk));
      child.once('error', (err) => resolve({ code: null, output: err.message }));
      child.once('exit', (code) => resolve({ code, output }));
    });

  /** Starts the README's command in the namespace, as a fresh machine's user would. */
  const startPlatform = async (): Promise<void> => {
    platformOutput = '';
    platform = spawn(which('nsenter'), [`--net=/proc/${companion.pid}/ns/net`, process.execPath, MAIN], {
      cwd: root,
      env: freshEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    platform.stdout!.on('data', (chunk) => (platformOutput += chunk));
    platform.stderr!.on('data', (chunk) => (platformOutput += chunk));
    await until('the platform answering /health', async () => {
      const health = await call('GET', '/health');
      return health.status === 200 ? health : undefined;
    });
  };

  /** SIGTERM, as a supervisor stops it; resolves with the exit once the process is gone. */
  const stopPlatform = async (): Promise<void> => {
    const running = platform;
    platform = undefined;
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
    const exited = new Promise((resolve) => running.once('exit', resolve));
    running.kill('SIGTERM');
    await exited;
  };

  const listening = async (port: number): Promise<boolean> =>
    (await call('GET', `/-/listening/${port}`)).body.listening;

  beforeAll(async () => {
    if (process.getuid?.() !== 0)
      throw new Error('this test simulates a fresh machine with unshare --net: run it as root');
    ensureBuilt();
    root = mkdtempSync(join(tmpdir(), 'runlet-fresh-machine-'));
    chmodSync(root, 0o755); // the embedded PostgreSQL runs unprivileged and must reach its data dir
    dataDir = join(root, 'data');
    socketPath = join(root, 'api.sock');
    // The dependency's real tarball, from the registry (or npm's cache), outside the namespace.
    const [packed] = JSON.parse(
      execFileSync('npm', ['pack', 'dayjs@1.11.10', '--json', '--pack-destination', root], {
        encoding: 'utf8',
      }),
    );
    companion = spawn(
      'unshare',
      [
        '--net',
        'sh',
        '-c',
        'ip link set lo up && exec "$0" "$@"',
        process.execPath,
        COMPANION,
        socketPath,
        join(root, packed.filename),
        packed.name,
        packed.version,
        packed.integrity,
        packed.shasum,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    companion.stdout!.on('data', (chunk) => (companionOutput += chunk));
    companion.stderr!.on('data', (chunk) => (companionOutput += chunk));
    await until('the namespace companion', async () =>
      companionOutput.includes('companion ready') ? true : undefined,
    );
    // The simulated machine has nothing on PostgreSQL's and Redis's default ports.
    expect(await listening(5432)).toBe(false);
    expect(await listening(6379)).toBe(false);
  });

  afterAll(async () => {
    await stopPlatform();
    // Nothing of a failed test outlives it (what a killed platform left in the namespace).
    if (companion?.pid)
      for (const line of leftInNamespace()) process.kill(Number(line.split(' ')[0]), 'SIGKILL');
    companion?.kill('SIGTERM');
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('comes up with an embedded PostgreSQL and redis-server, runs a script with an npm dependency, stops them, and keeps its data across a restart', async () => {
    await startPlatform();
    expect(platformOutput).toContain('embedded PostgreSQL on 127.0.0.1:5432');
    expect(platformOutput).toContain('redis-server on 127.0.0.1:6379');
    expect(existsSync(join(dataDir, 'postgres', 'PG_VERSION'))).toBe(true);
    expect(existsSync(join(dataDir, 'redis'))).toBe(true);

    const created = await call('POST', '/api/v1/scripts', {
      name: 'fresh-hello',
      code: `import dayjs from 'dayjs';
export default async (event) => ({ day: dayjs('2024-02-03T04:05:06Z').format('YYYY/MM/DD'), n: event.input.n })`,
      network: 'none',
    });
    expect(created.status).toBe(201);
    const id = created.body.id;
    const built = await until('the build', async () => {
      const { body } = await call('GET', `/api/v1/scripts/${id}`);
      const status = body.build?.status;
      return status === 'failed' || (status === 'succeeded' && body.deployedVersion === 1) ? body : undefined;
    });
    expect(built.build).toMatchObject({ status: 'succeeded', version: 1 });
    // The install went to the stand-in: the namespace has no other registry.
    expect(companionOutput).toContain('registry GET /dayjs');

    const run = await call('POST', `/api/v1/scripts/${id}/runs`, { input: { n: 1 }, wait: true });
    expect(run.status).toBe(200);
    expect(run.body).toMatchObject({ status: 'succeeded', result: { day: '2024/02/03', n: 1 } });

    // Stopping the platform stops what it started: nothing is left on the two ports.
    await stopPlatform();
    expect(await listening(5432)).toBe(false);
    expect(await listening(6379)).toBe(false);
    expect(existsSync(join(dataDir, 'postgres', 'postmaster.pid'))).toBe(false);

    // A second start reuses the data dir: same script, same build, runs again.
    await startPlatform();
    expect(platformOutput).not.toContain('creating an embedded PostgreSQL cluster');
    const again = await call('GET', `/api/v1/scripts/${id}`);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({
      name: 'fresh-hello',
      deployedVersion: 1,
      build: { status: 'succeeded' },
    });
    const second = await call('POST', `/api/v1/scripts/${id}/runs`, { input: { n: 2 }, wait: true });
    expect(second.body).toMatchObject({ status: 'succeeded', result: { day: '2024/02/03', n: 2 } });
    const history = await call('GET', `/api/v1/executions?scriptId=${id}`);
    expect(history.body.items.map((e: any) => e.id)).toEqual(
      expect.arrayContaining([run.body.id, second.body.id]),
    );
  }, 600_000);

  /** The processes in the simulated machine (its network namespace) besides the companion: what the platform started. */
  const leftInNamespace = (): string[] => {
    const namespace = readlinkSync(`/proc/${companion.pid}/ns/net`);
    return readdirSync('/proc')
      .filter((entry) => /^\d+$/.test(entry) && Number(entry) !== companion.pid)
      .filter((pid) => {
        try {
          return readlinkSync(`/proc/${pid}/ns/net`) === namespace;
        } catch {
          return false; // gone meanwhile
        }
      })
      .map((pid) => {
        try {
          return `${pid} ${readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim()}`;
        } catch {
          return `${pid} (gone)`;
        }
      })
      .filter((line) => !line.endsWith('(gone)'));
  };

  it('SIGKILLed, it leaves nothing behind: the console, the embedded PostgreSQL and redis-server it started stop too', async () => {
    if (!existsSync(join(__dirname, '..', 'apps', 'web', '.next', 'BUILD_ID')))
      execFileSync('npm', ['run', 'build'], { cwd: join(__dirname, '..'), stdio: 'inherit' });
    await stopPlatform();
    await startPlatform();
    // The console on its default port (the namespace has nothing else on it).
    await until('the console to listen on 3000', async () => ((await listening(3000)) ? true : undefined));
    expect([await listening(5432), await listening(6379)]).toEqual([true, true]);
    const killed = platform!;
    platform = undefined;
    const exited = new Promise((resolve) => killed.once('exit', resolve));
    killed.kill('SIGKILL');
    await exited;
    try {
      await until(
        'what the platform started to stop',
        async () => (leftInNamespace().length === 0 ? true : undefined),
        30_000,
      );
    } catch {
      // said below, with what is left
    }
    expect(leftInNamespace()).toEqual([]);
    expect([await listening(3000), await listening(5432), await listening(6379)]).toEqual([
      false,
      false,
      false,
    ]);
  }, 600_000);

  it('uses a configured DATABASE_URL as is (no embedded one in its place) and says in one line what to install', async () => {
    await stopPlatform(); // the machine as before: nothing on the default ports
    const configured = await runToExit({
      ...freshEnv(),
      DATABASE_URL: 'postgres://postgres@127.0.0.1:5433/runlet',
    });
    expect(configured.code).toBe(1);
    expect(configured.output).toContain('ECONNREFUSED 127.0.0.1:5433');
    expect(configured.output).not.toContain('embedded PostgreSQL');
    // The redis-server it started for itself is stopped on the way out.
    expect(configured.output).toContain('redis-server on 127.0.0.1:6379');
    expect(await listening(5432)).toBe(false);
    expect(await listening(6379)).toBe(false);

    // A PATH with the sandbox's programs but no redis-server, then one without bubblewrap either.
    const bin = join(root, 'bin');
    mkdirSync(bin, { recursive: true });
    for (const program of ['slirp4netns', 'unshare', 'nsenter', 'ip'])
      symlinkSync(which(program), join(bin, program));
    const noBwrap = await runToExit({ ...freshEnv(), PATH: bin });
    expect(noBwrap.code).toBe(1);
    expect(noBwrap.output.trim()).toMatch(
      /^\[runlet\] bwrap is not on PATH .*install the Debian package "bubblewrap"[^\n]*$/,
    );

    symlinkSync(which('bwrap'), join(bin, 'bwrap'));
    const noRedis = await runToExit({ ...freshEnv(), PATH: bin });
    expect(noRedis.code).toBe(1);
    expect(noRedis.output.trim()).toMatch(
      /^\[runlet\] no Redis answers at redis:\/\/127\.0\.0\.1:6379 and redis-server is not on PATH: install it \(Debian\/Ubuntu: apt-get install redis-server[^\n]*$/,
    );
    expect(await listening(5432)).toBe(false);
  });
});
