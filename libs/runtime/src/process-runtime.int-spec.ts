import { buildSync } from 'esbuild';
import { ProcessRuntime } from './process-runtime';
import { request } from './test-requests';
import { TestArtifacts } from './test-artifacts';

describe('ProcessRuntime (bubblewrap)', () => {
  const artifacts = new TestArtifacts();
  let runtime: ProcessRuntime;

  beforeAll(() => {
    runtime = new ProcessRuntime({ poolSize: 0 });
  });
  afterAll(async () => {
    await runtime.close();
    artifacts.remove();
  });

  it('returns the value and captures logs in order with levels and streams', async () => {
    const dir = artifacts.create(`
      export default async function (event, ctx) {
        console.log('log', event.n);
        console.info('info');
        console.debug('debug');
        console.warn('warn');
        console.error('error');
        ctx.log.info('ctx info', { a: 1 });
        ctx.log.error('ctx error');
        process.stdout.write('raw out\\n');
        return { doubled: event.n * 2, ctx: [ctx.executionId, ctx.scriptId, ctx.version], aborted: ctx.signal.aborted };
      }`);
    const req = request(dir, { event: { n: 21 } });
    const outcome = await runtime.run(req);
    expect(outcome.status).toBe('succeeded');
    expect(outcome.result).toEqual({ doubled: 42, ctx: [req.executionId, 'script-1', 1], aborted: false });
    expect(outcome.logsTruncated).toBe(false);
    expect(req.logs.map((l) => [l.seq, l.level, l.stream, l.message])).toEqual([
      [1, 'info', 'stdout', 'log 21'],
      [2, 'info', 'stdout', 'info'],
      [3, 'debug', 'stdout', 'debug'],
      [4, 'warn', 'stderr', 'warn'],
      [5, 'error', 'stderr', 'error'],
      [6, 'info', 'stdout', 'ctx info { a: 1 }'],
      [7, 'error', 'stderr', 'ctx error'],
      [8, 'info', 'stdout', 'raw out'],
    ]);
    expect(req.logs.every((l) => !Number.isNaN(Date.parse(l.ts)))).toBe(true);
  });

  it('masks secrets (plain, base64, JSON-escaped) in logs, result and error', async () => {
    const dir = artifacts.create(`
      export default async function (event, ctx) {
        const s = ctx.secrets.API_KEY;
        console.log('key', s, Buffer.from(s).toString('base64'));
        if (event.fail) throw new Error('bad key ' + s);
        return { echoed: s, json: JSON.stringify({ s }) };
      }`);
    const secrets = { API_KEY: 'k3y"with\\quote' };
    const ok = request(dir, { secrets });
    const outcome = await runtime.run(ok);
    expect(outcome.result).toEqual({ echoed: '***', json: '{"s":"***"}' });
    expect(ok.logs[0].message).toBe('key *** ***');
    const failing = request(dir, { secrets, event: { fail: true } });
    const failed = await runtime.run(failing);
    expect(failed.status).toBe('failed');
    expect(failed.error?.message).toBe('bad key ***');
    expect(failed.error?.stack).not.toContain('k3y');
  });

  it('imports packages from the mounted node_modules, also through require', async () => {
    const nodeModulesDir = artifacts.nodeModules('left-pad-ish', `module.exports = (s) => '>>' + s;`);
    const dir = artifacts.create(
      `import pad from 'left-pad-ish';
       import { createRequire } from 'node:module';
       const require = createRequire(import.meta.url);
       export default async () => [pad('a'), require('left-pad-ish')('b')];`,
      { nodeModulesDir },
    );
    const outcome = await runtime.run(request(dir));
    expect(outcome).toMatchObject({ status: 'succeeded', result: ['>>a', '>>b'] });
  });

  it('converts a returned WHATWG Response', async () => {
    const dir = artifacts.create(
      `export default async () => new Response(JSON.stringify({ ok: true }), { status: 201, headers: { 'content-type': 'application/json', 'x-a': '1' } });`,
    );
    const outcome = await runtime.run(request(dir));
    expect(outcome.result).toEqual({
      status: 201,
      headers: { 'content-type': 'application/json', 'x-a': '1' },
      body: { ok: true },
    });
  });

  it.each([
    ['a linked map (sourceMappingURL comment)', true],
    ['a detached main.mjs.map (no comment)', false],
  ])('fails with the message and a stack pointing at the user source line, with %s', async (_, linked) => {
    const source = [
      'export default async function (event: { n: number }) {',
      '  const n: number = event.n;',
      '  if (n > 0) throw new Error(`boom ${n}`);',
      '  return n;',
      '}',
    ].join('\n');
    const built = buildSync({
      stdin: { contents: source, loader: 'ts', sourcefile: '/build/script.ts', resolveDir: '/build' },
      format: 'esm',
      sourcemap: 'external',
      outfile: '/build/main.mjs',
      write: false,
    });
    const map = built.outputFiles.find((f) => f.path.endsWith('.map'))!.text;
    const code = built.outputFiles.find((f) => !f.path.endsWith('.map'))!.text;
    const dir = artifacts.create(linked ? `${code}//# sourceMappingURL=main.mjs.map\n` : code, {
      files: { 'main.mjs.map': map },
    });
    const outcome = await runtime.run(request(dir, { event: { n: 7 } }));
    expect(outcome.status).toBe('failed');
    expect(outcome.error?.message).toBe('boom 7');
    expect(outcome.error?.stack).toMatch(/script\.ts:3/);
  });

  it('shows no host files: /etc/passwd, /proc/1/environ, the repo are unreadable; only /tmp is writable', async () => {
    const dir = artifacts.create(`
      import fs from 'node:fs';
      const attempt = (fn) => { try { fn(); return 'allowed'; } catch (e) { return e.code || e.message; } };
      export default async (event) => ({
        passwd: attempt(() => fs.readFileSync('/etc/passwd')),
        environ: attempt(() => fs.readFileSync('/proc/1/environ', 'utf8')),
        selfEnviron: attempt(() => fs.readFileSync('/proc/self/environ', 'utf8')).includes?.('RUNLET_TEST') ?? false,
        pkg: attempt(() => fs.readFileSync(event.repo + '/package.json')),
        repoDir: attempt(() => fs.readdirSync(event.repo)),
        root: fs.readdirSync('/').sort(),
        writeApp: attempt(() => fs.writeFileSync('/app/src/x', 'x')),
        writeRoot: attempt(() => fs.writeFileSync('/x', 'x')),
        writeUsr: attempt(() => fs.writeFileSync('/usr/bin/x', 'x')),
        writeTmp: attempt(() => fs.writeFileSync('/tmp/x', 'x')),
        uid: process.getuid(),
      });`);
    const outcome = await runtime.run(request(dir, { event: { repo: process.cwd() } }));
    const r = outcome.result as Record<string, unknown>;
    expect(r.passwd).toBe('ENOENT');
    expect(r.environ).not.toBe('allowed');
    expect(r.selfEnviron).toBe(false);
    expect(r.pkg).toBe('ENOENT');
    expect(r.repoDir).toBe('ENOENT');
    expect(r.root).toEqual(['app', 'dev', 'etc', 'lib', 'lib64', 'proc', 'runlet', 'tmp', 'usr']);
    expect(r.writeApp).not.toBe('allowed');
    expect(r.writeRoot).not.toBe('allowed');
    expect(r.writeUsr).not.toBe('allowed');
    expect(r.writeTmp).toBe('allowed');
    expect(r.uid).toBe(65534);
  });

  it('builds the environment from scratch: none of the host variables leak', async () => {
    process.env.RUNLET_TEST_SECRET_ENV = 'x';
    try {
      const dir = artifacts.create(`export default async () => process.env;`);
      const outcome = await runtime.run(request(dir));
      const env = outcome.result as Record<string, string>;
      expect(env.RUNLET_TEST_SECRET_ENV).toBeUndefined();
      expect(Object.keys(env).sort()).toEqual(['HOME', 'NODE_ENV', 'PATH', 'PWD', 'TZ']);
    } finally {
      delete process.env.RUNLET_TEST_SECRET_ENV;
    }
  });

  it('fails a script whose return value is not JSON-serialisable', async () => {
    const dir = artifacts.create(`export default async () => { const a = {}; a.self = a; return a; };`);
    const outcome = await runtime.run(request(dir));
    expect(outcome.status).toBe('failed');
    expect(outcome.error?.message).toMatch(/JSON-serialisable/);
  });

  it('gives a BigInt in the return value as its decimal string (docs/json-encoding.md)', async () => {
    const dir = artifacts.create(`export default async () => ({ n: 12345678901234567890n });`);
    const outcome = await runtime.run(request(dir));
    expect(outcome).toMatchObject({ status: 'succeeded', result: { n: '12345678901234567890' } });
  });
});
