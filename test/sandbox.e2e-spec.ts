import { readFileSync } from 'node:fs';
import { startPlatform, TestPlatform } from './support/platform';

/** `npm run test:docker` runs these in containers (RUNLET_RUNTIME=docker). */
const RUNTIME = process.env.RUNLET_RUNTIME || 'process';
const ENGINE = RUNTIME === 'docker' ? 'real Docker containers' : 'real bwrap, cgroups, slirp4netns';

/** Hostile scripts, each a real execution through POST /try on the platform's sandbox. */
describe(`sandbox: hostile code through the API (${ENGINE})`, () => {
  let p: TestPlatform;
  const repoRoot = process.cwd();
  beforeAll(async () => {
    process.env.RUNLET_PLATFORM_MARKER = 'platform-only-value';
    p = await startPlatform('sandbox', { roles: ['api', 'executor'] });
  });
  afterAll(() => p.close());

  const tryCode = async (code: string, extra: Record<string, unknown> = {}) => {
    const res = await p.api('POST', '/api/v1/try', { code, language: 'javascript', ...extra });
    expect(res.status).toBe(200);
    return res.body;
  };

  /** The script reports what each attempt did, as 'denied: CODE' or 'allowed'. */
  const attempt = (body: string) => `
import fs from 'node:fs';
export default async function (event) {
  const out = {};
  const probe = async (name, fn) => { try { await fn(); out[name] = 'allowed'; } catch (e) { out[name] = 'denied: ' + (e.code || e.message); } };
  ${body}
  return out;
}`;

  it("cannot read the host's /etc/passwd, the platform files or /proc/1/environ, nor write outside /tmp", async () => {
    const res = await tryCode(
      attempt(`
  await probe('passwd', () => { if (fs.readFileSync('/etc/passwd', 'utf8') === event.input.hostPasswd) throw new Error('host passwd'); });
  await probe('platform', () => fs.readFileSync(event.input.repo + '/package.json', 'utf8'));
  await probe('environ', () => { if (/RUNLET_|platform-only-value/.test(fs.readFileSync('/proc/1/environ', 'utf8'))) throw new Error('platform environment'); });
  await probe('writeRoot', () => fs.writeFileSync('/evil.txt', 'x'));
  await probe('writeApp', () => fs.writeFileSync('/app/evil.txt', 'x'));
  await probe('writeTmp', () => fs.writeFileSync('/tmp/fine.txt', 'x'));`),
      { input: { repo: repoRoot, hostPasswd: readFileSync('/etc/passwd', 'utf8') } },
    );
    expect(res.status).toBe('succeeded');
    // A container has an /etc/passwd of its own image (user runlet); the host's is never seen.
    if (RUNTIME === 'docker') expect(res.result.passwd).not.toBe('denied: host passwd');
    else expect(res.result.passwd).toMatch(/^denied/);
    expect(res.result.platform).toMatch(/^denied/);
    // A container's init (pid 1) holds only the environment the runtime made for the script.
    if (RUNTIME === 'docker') expect(res.result.environ).not.toBe('denied: platform environment');
    else expect(res.result.environ).toMatch(/^denied/);
    expect(res.result.writeRoot).toMatch(/^denied/);
    expect(res.result.writeApp).toMatch(/^denied/);
    expect(res.result.writeTmp).toBe('allowed');
  });

  it("process.env holds none of the platform's variables", async () => {
    const res = await tryCode(`export default () => process.env`);
    expect(res.status).toBe('succeeded');
    expect(res.result.RUNLET_PLATFORM_MARKER).toBeUndefined();
    expect(JSON.stringify(res.result)).not.toMatch(/postgres:|redis:|platform-only-value/);
  });

  it.each(['none', 'egress'])(
    'network %s: PostgreSQL and Redis on 127.0.0.1 are unreachable',
    async (network) => {
      const res = await tryCode(
        `import net from 'node:net';
export default async function () {
  const connect = (port) => new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port, timeout: 2000 });
    s.on('connect', () => { s.destroy(); resolve('connected'); });
    s.on('timeout', () => { s.destroy(); resolve('timeout'); });
    s.on('error', (e) => resolve('error ' + e.code));
  });
  return { pg: await connect(5432), redis: await connect(6379) };
}`,
        { network },
      );
      expect(res.status).toBe('succeeded');
      expect(res.result.pg).not.toBe('connected');
      expect(res.result.redis).not.toBe('connected');
    },
  );

  it('a fork bomb is contained and killed; the platform keeps serving', async () => {
    const res = await tryCode(
      `import { spawn } from 'node:child_process';
export default async function () {
  const children = [];
  for (let i = 0; i < 2000; i++) {
    try { children.push(spawn('/usr/bin/node', ['-e', 'setInterval(() => {}, 1000)'])); } catch (e) { return 'refused after ' + i + ': ' + e.code; }
  }
  await new Promise((r) => setTimeout(r, 60000));
}`,
      { timeoutMs: 5000 },
    );
    // The task limit refuses further processes (caught, or the unhandled spawn error fails the
    // run), or the run times out; never unbounded.
    if (res.status === 'succeeded') expect(res.result).toMatch(/^refused after \d+: EAGAIN/);
    else if (res.status === 'failed') expect(res.error.message).toMatch(/EAGAIN/);
    else expect(res.status).toBe('timed_out');
    // Nothing it started survives the execution (the sandbox's PID namespace is torn down).
    const { execSync } = await import('node:child_process');
    const survivors = () =>
      execSync(`ps -eo args | grep -c "[s]etInterval(() => {}, 1000)" || true`).toString().trim();
    for (let i = 0; i < 50 && survivors() !== '0'; i++) await new Promise((r) => setTimeout(r, 100));
    expect(survivors()).toBe('0');
    const after = await tryCode(`export default () => 'still serving'`);
    expect(after.result).toBe('still serving');
  });

  it('while (true) {} → timed_out at timeoutMs', async () => {
    const res = await tryCode(`export default () => { while (true) {} }`, { timeoutMs: 1000 });
    expect(res.status).toBe('timed_out');
    expect(res.error.message).toMatch(/1000 ms/);
  });

  it('allocating 2 GB → failed with a memory-limit message', async () => {
    const res = await tryCode(
      `export default () => { const a = []; for (let i = 0; i < 2048; i++) a.push(Buffer.alloc(1024 * 1024, 1)); return a.length; }`,
      { memoryMb: 128 },
    );
    expect(res.status).toBe('failed');
    expect(res.error.message).toMatch(/memory limit/i);
  });

  it('50 MB to stdout → truncated with a marker, and other executions are still served', async () => {
    const [flood, other] = await Promise.all([
      tryCode(
        `export default () => { const line = 'x'.repeat(1023); for (let i = 0; i < 51200; i++) console.log(line); return 'done'; }`,
      ),
      tryCode(`export default () => 42`),
    ]);
    expect(other.result).toBe(42);
    expect(flood.status).toBe('succeeded');
    const bytes = flood.logs.reduce((n: number, l: any) => n + l.message.length, 0);
    expect(bytes).toBeLessThan(2 * 1024 * 1024);
    expect(flood.logs[flood.logs.length - 1].message).toMatch(/truncated/);
  });
});
