import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BuildError } from './build-error';
import { Bundler } from './bundle';

/** Pids of the esbuild service processes this process started (read from /proc). */
function esbuildChildren(): number[] {
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (comm === 'esbuild' && ppid === process.pid) pids.push(Number(name));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

/** A store-entry-like dir with one CommonJS package; returns its node_modules. */
function fakeEntry(root: string): string {
  const pkg = join(root, 'store', 'node_modules', 'uses-dirname');
  mkdirSync(pkg, { recursive: true });
  writeFileSync(join(pkg, 'package.json'), JSON.stringify({ name: 'uses-dirname', main: 'index.js' }));
  writeFileSync(
    join(pkg, 'index.js'),
    `exports.where = [typeof __dirname, typeof __filename, typeof require('node:fs').readFileSync];`,
  );
  return join(root, 'store', 'node_modules');
}

/** Imports a bundle from a dir of its own (no node_modules near it). */
function run(root: string, code: string): unknown {
  writeFileSync(join(root, 'main.mjs'), code);
  const runner = `const m = await import('./main.mjs'); console.log(JSON.stringify(m.default()));`;
  return JSON.parse(
    execFileSync(process.execPath, ['--input-type=module', '-e', runner], { cwd: root, encoding: 'utf8' }),
  );
}

describe('Bundler', () => {
  const bundler = new Bundler();
  afterAll(() => bundler.close());

  it('keeps building after esbuild’s service process dies', async () => {
    await bundler.bundle('export default () => 1;', 'javascript', null);
    // Jest may hold services of earlier test files (their module registries) too: kill them all.
    const pids = esbuildChildren();
    expect(pids.length).toBeGreaterThan(0);
    for (const pid of pids) process.kill(pid, 'SIGKILL');
    await new Promise((r) => setTimeout(r, 100)); // let the pipe close be noticed
    const out = await bundler.bundle('export default () => 2;', 'javascript', null);
    expect(out.code).toContain('=> 2');
  });

  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'runlet-bundle-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('bundled CommonJS sees __dirname, __filename and require; a script’s own bindings stay its own', async () => {
    const out = await bundler.bundle(
      `import { where } from 'uses-dirname';\nimport { createRequire } from 'node:module';\n` +
        `const require = createRequire(import.meta.url);\nconst __dirname = 'mine';\n` +
        `export default () => [where, __dirname, typeof require];\n`,
      'javascript',
      { nodeModulesDir: fakeEntry(root), external: [] },
    );
    expect(run(root, out.code)).toEqual([['string', 'string', 'function'], 'mine', 'function']);
  });

  it('later builds against the same dependencies bundle their own code; a syntax error fails only its build', async () => {
    const deps = { nodeModulesDir: fakeEntry(root), external: [] };
    const code = (n: number) =>
      `import { where } from 'uses-dirname';\nexport default (): unknown => [${n}, where.length];\n`;
    const [a, b] = await Promise.all([
      bundler.bundle(code(1), 'typescript', deps),
      bundler.bundle(code(2), 'typescript', deps),
    ]);
    expect(run(root, a.code)).toEqual([1, 3]);
    expect(run(root, b.code)).toEqual([2, 3]);
    const bad = await bundler
      .bundle(`import { where } from 'uses-dirname';\nconst = where;\n`, 'typescript', deps)
      .catch((e: unknown) => e);
    expect((bad as BuildError).reason).toMatch(/^script\.ts:2:7: /);
    expect(run(root, (await bundler.bundle(code(3), 'typescript', deps)).code)).toEqual([3, 3]);
    // The map carries the script's source, not the dependencies'.
    const map = JSON.parse(b.map);
    expect(map.sources).toEqual(['node_modules/uses-dirname/index.js', 'script.ts']);
    expect(map.sourcesContent).toEqual([null, code(2)]);
  });

  it('a warm context survives the death of esbuild’s service too', async () => {
    const deps = { nodeModulesDir: fakeEntry(root), external: [] };
    await bundler.bundle(`export default () => 1;`, 'javascript', deps);
    for (const pid of esbuildChildren()) process.kill(pid, 'SIGKILL');
    await new Promise((r) => setTimeout(r, 100));
    const out = await bundler.bundle(
      `import { where } from 'uses-dirname';\nexport default () => where[0];`,
      'javascript',
      deps,
    );
    expect(run(root, out.code)).toBe('string');
  });
});
