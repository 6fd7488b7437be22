import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  BuildError,
  ScriptBuilder,
  type BuildInput,
  type BuildOutput,
  type ScriptBuilderOptions,
} from './index';

// Unit tests against a fake npm (no network); the real npm is covered by script-builder.int-spec.ts.
const FAKE_NPM = resolve(__dirname, '../test-fixtures/fake-npm.js');

/**
 * The most runs alive at one instant (a sweep over start/end events). Counting, per run, the runs it
 * overlaps is not that: a long run overlaps two short runs that followed each other in the other slot.
 * A run ending in the millisecond another starts is not counted as overlapping it (ends sort first).
 */
function maxConcurrent(runs: Array<{ started: number; ended: number }>): number {
  const events = runs.flatMap((r) => [
    { at: r.started, delta: 1 },
    { at: r.ended, delta: -1 },
  ]);
  events.sort((a, b) => a.at - b.at || a.delta - b.delta);
  let alive = 0;
  let most = 0;
  for (const e of events) most = Math.max(most, (alive += e.delta));
  return most;
}

/** Imports the artifact's entry from a copy in an empty dir (no node_modules anywhere near it). */
function runAlone(artifactDir: string): unknown {
  const dir = mkdtempSync(join(tmpdir(), 'runlet-alone-'));
  try {
    copyFileSync(join(artifactDir, 'main.mjs'), join(dir, 'main.mjs'));
    const runner = `const m = await import('./main.mjs'); console.log(JSON.stringify(await m.default()));`;
    return JSON.parse(
      execFileSync(process.execPath, ['--input-type=module', '-e', runner], { cwd: dir, encoding: 'utf8' }),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('ScriptBuilder (fake npm)', () => {
  let dataDir: string;
  let npmLog: string;

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'runlet-builder-unit-'));
    npmLog = join(dataDir, 'npm-runs.jsonl');
    process.env.FAKE_NPM_LOG = npmLog;
    delete process.env.FAKE_NPM_DELAY_MS;
    delete process.env.FAKE_NPM_VERSION;
  });
  const builders: ScriptBuilder[] = [];
  afterEach(async () => {
    await Promise.all(builders.splice(0).map((b) => b.close()));
    rmSync(dataDir, { recursive: true, force: true });
  });

  const npmRuns = (): Array<{ command: string; hadLockfile: boolean; started: number; ended: number }> =>
    existsSync(npmLog)
      ? readFileSync(npmLog, 'utf8')
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l))
      : [];
  const builder = (opts: Partial<ScriptBuilderOptions> = {}) => {
    const b = new ScriptBuilder({ dataDir, npmPath: FAKE_NPM, ...opts });
    builders.push(b);
    return b;
  };
  /** What the builder role passes on from a script's last successful build. */
  const previousLockOf = (out: BuildOutput) => ({
    lockfile: out.lockfile,
    lockfileHash: out.lockfileHash,
    dependencySpec: out.dependencySpec,
  });
  const input = (over: Partial<BuildInput> = {}): BuildInput => ({
    scriptId: 'scr_1',
    version: 1,
    code: `import a from 'pkg-a';\nexport default () => a;\n`,
    language: 'typescript',
    dependencies: {},
    ...over,
  });

  it('builds a script without dependencies without npm, and the artifact runs with require()', async () => {
    const b = builder();
    const code = `const path = require('node:path');\nexport default (): string => path.posix.join('a', 'b');\n`;
    const out = await b.build(input({ code, dependencies: {} }));
    expect(out.cacheHit).toBe(true);
    expect(b.npmRuns).toBe(0);
    expect(out.dependencySpec).toEqual({});
    expect(out.artifactDir).toBe(join(dataDir, 'artifacts', 'scr_1', '1'));
    const manifest = JSON.parse(readFileSync(join(out.artifactDir, 'artifact.json'), 'utf8'));
    expect(manifest).toEqual({
      entry: 'main.mjs',
      nodeModulesDir: null,
      bundled: true,
      externalPackages: [],
      scriptId: 'scr_1',
      version: 1,
      lockfileHash: out.lockfileHash,
      resolvedDependencies: {},
    });
    const result = execFileSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `const m = await import(${JSON.stringify(join(out.artifactDir, 'main.mjs'))}); console.log(m.default());`,
      ],
      { encoding: 'utf8' },
    );
    expect(result.trim()).toBe('a/b');
  });

  it('writes ESM with an external source map naming script.ts', async () => {
    const out = await builder().build(input({ code: `const x: number = 1;\nexport default () => x;\n` }));
    const main = readFileSync(join(out.artifactDir, 'main.mjs'), 'utf8');
    expect(main).toContain('__runletCreateRequire(import.meta.url)');
    expect(main).toMatch(/as default/);
    expect(main.trimEnd().endsWith('//# sourceMappingURL=main.mjs.map')).toBe(true);
    const map = JSON.parse(readFileSync(join(out.artifactDir, 'main.mjs.map'), 'utf8'));
    expect(map.sources).toEqual(['script.ts']);
    expect(map.sourcesContent[0]).toContain('const x: number = 1;');
  });

  it('maps stack traces back to the script despite the banner', async () => {
    const code = `type T = number;\nexport default (): T => {\n  throw new Error('boom');\n};\n`;
    const out = await builder().build(input({ code }));
    const runner = `const m = await import(${JSON.stringify(join(out.artifactDir, 'main.mjs'))}); try { m.default(); } catch (e) { console.log(e.stack); }`;
    const stack = execFileSync(
      process.execPath,
      ['--enable-source-maps', '--input-type=module', '-e', runner],
      {
        encoding: 'utf8',
      },
    );
    expect(stack).toMatch(/script\.ts:3:9/);
  });

  it('installs detected imports merged with pins, including a pin that is not imported', async () => {
    const b = builder();
    const out = await b.build(input({ dependencies: { 'pkg-a': '2.3.4', 'pkg-extra': '^1.0.0' } }));
    expect(out.dependencySpec).toEqual({ 'pkg-a': '2.3.4', 'pkg-extra': '^1.0.0' });
    expect(out.resolvedDependencies).toEqual({ 'pkg-a': '2.3.4', 'pkg-extra': '1.0.0' });
    expect(out.cacheHit).toBe(false);
    expect(b.npmRuns).toBe(1);
    const nodeModulesDir = join(dataDir, 'store', out.lockfileHash, 'node_modules');
    expect(existsSync(join(nodeModulesDir, 'pkg-extra', 'package.json'))).toBe(true);
    // Bundled: the artifact needs no node_modules, and says so.
    expect(JSON.parse(readFileSync(join(out.artifactDir, 'artifact.json'), 'utf8'))).toMatchObject({
      nodeModulesDir: null,
      bundled: true,
      externalPackages: [],
    });
    expect(runAlone(out.artifactDir)).toBe('pkg-a@2.3.4');
    expect(JSON.parse(out.lockfile).packages['node_modules/pkg-a'].version).toBe('2.3.4');
    expect(out.lockfileHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it("a code-only build is a cache hit even while another build's npm runs beside it", async () => {
    const b = builder();
    const first = await b.build(input());
    const prev = previousLockOf(first);
    process.env.FAKE_NPM_DELAY_MS = '300';
    try {
      // Started together: the other build's npm starts while the code-only one is bundling.
      const [codeOnly, other] = await Promise.all([
        b.build(input({ version: 2, previousLock: prev })),
        b.build(input({ scriptId: 'scr_2', dependencies: { 'pkg-b': '*' } })),
      ]);
      expect(other.cacheHit).toBe(false);
      expect(codeOnly.cacheHit).toBe(true);
    } finally {
      delete process.env.FAKE_NPM_DELAY_MS;
    }
  });

  it('reuses the previous lockfile for a code-only change: cache hit, no npm process', async () => {
    const b = builder();
    const first = await b.build(input());
    const prev = previousLockOf(first);
    process.env.FAKE_NPM_VERSION = '9.9.9'; // a re-resolution would now pick another version
    const second = await b.build(
      input({ version: 2, code: `import a from 'pkg-a';\nexport default () => [a];\n`, previousLock: prev }),
    );
    expect(second.cacheHit).toBe(true);
    expect(b.npmRuns).toBe(1);
    expect(second.lockfileHash).toBe(first.lockfileHash);
    expect(second.resolvedDependencies).toEqual({ 'pkg-a': '1.0.0' });
  });

  it('installs a previous lockfile with `npm ci` when its store entry is gone', async () => {
    const first = await builder().build(input());
    rmSync(join(dataDir, 'store'), { recursive: true });
    const b = builder();
    const prev = previousLockOf(first);
    const out = await b.build(input({ version: 2, previousLock: prev }));
    expect(out.cacheHit).toBe(false);
    expect(out.lockfileHash).toBe(first.lockfileHash);
    expect(npmRuns().map((r) => r.command)).toEqual(['install', 'ci']);
  });

  it('seeds a changed dependency set with the previous lockfile, and upgrade ignores it', async () => {
    const b = builder();
    const first = await b.build(input());
    const prev = previousLockOf(first);
    process.env.FAKE_NPM_VERSION = '2.0.0';
    const changed = await b.build(input({ version: 2, dependencies: { 'pkg-b': '*' }, previousLock: prev }));
    expect(changed.resolvedDependencies).toEqual({ 'pkg-a': '1.0.0', 'pkg-b': '2.0.0' });
    const upgraded = await b.build(input({ version: 3, previousLock: prev, upgrade: true }));
    expect(upgraded.cacheHit).toBe(false);
    expect(upgraded.resolvedDependencies).toEqual({ 'pkg-a': '2.0.0' });
    expect(npmRuns().map((r) => r.hadLockfile)).toEqual([false, true, false]);
  });

  it('installs once for concurrent builds with the same dependencies', async () => {
    process.env.FAKE_NPM_DELAY_MS = '200';
    const b = builder({ concurrency: 4 });
    const [x, y] = await Promise.all([b.build(input()), b.build(input({ scriptId: 'scr_2' }))]);
    expect(b.npmRuns).toBe(1);
    expect(x.lockfileHash).toBe(y.lockfileHash);
    expect(readdirSync(join(dataDir, 'store'))).toEqual([x.lockfileHash]);
  });

  it('counts overlapping npm runs as the most running at one instant', () => {
    // One long run beside two short sequential ones: at most two at once, though it overlaps both.
    const runs = [
      { started: 0, ended: 300 },
      { started: 0, ended: 150 },
      { started: 150, ended: 310 },
    ];
    expect(maxConcurrent(runs)).toBe(2);
    expect(maxConcurrent([...runs, { started: 100, ended: 200 }])).toBe(3);
  });

  it('runs at most `concurrency` builds at once', async () => {
    process.env.FAKE_NPM_DELAY_MS = '150';
    const b = builder({ concurrency: 2 });
    await Promise.all(
      ['a', 'b', 'c', 'd', 'e'].map((p, i) =>
        b.build(input({ scriptId: `s${i}`, code: `import x from 'pkg-${p}';\nexport default x;\n` })),
      ),
    );
    const runs = npmRuns();
    expect(runs).toHaveLength(5);
    expect(maxConcurrent(runs)).toBeLessThanOrEqual(2);
  });

  it('reuses a fresh resolution of the same dependencies without npm, and re-resolves an upgrade', async () => {
    const b = builder();
    const first = await b.build(input());
    process.env.FAKE_NPM_VERSION = '9.9.9'; // a re-resolution would now pick another version
    const second = await b.build(
      input({ scriptId: 'scr_2', code: `import a from 'pkg-a';\nexport default [a];\n` }),
    );
    expect(b.npmRuns).toBe(1);
    expect(second).toMatchObject({ cacheHit: true, lockfileHash: first.lockfileHash });
    expect(second.log).toMatch(/resolution cache hit/);
    const upgraded = await b.build(input({ scriptId: 'scr_3', upgrade: true }));
    expect(b.npmRuns).toBe(2);
    expect(upgraded.resolvedDependencies).toEqual({ 'pkg-a': '9.9.9' });
  });

  it('resolves every time with resolveCacheMs 0', async () => {
    const b = builder({ resolveCacheMs: 0 });
    await b.build(input());
    await b.build(input({ scriptId: 'scr_2' }));
    expect(b.npmRuns).toBe(2);
  });

  it('bundles dependencies but keeps a native addon external, and mounts node_modules for it', async () => {
    const out = await builder().build(
      input({
        code: `import a from 'pkg-a';\nimport addon from 'native-thing';\nexport default () => [a, addon];\n`,
      }),
    );
    const manifest = JSON.parse(readFileSync(join(out.artifactDir, 'artifact.json'), 'utf8'));
    expect(manifest).toMatchObject({
      bundled: true,
      externalPackages: ['native-thing'],
      nodeModulesDir: join(dataDir, 'store', out.lockfileHash, 'node_modules'),
    });
    const main = readFileSync(join(out.artifactDir, 'main.mjs'), 'utf8');
    expect(main).toContain('from "native-thing"');
    expect(main).toContain('"pkg-a@1.0.0"'); // bundled
    expect(out.log).toContain('kept out of the bundle (native addons): native-thing');
  });

  it('refuses a package with an install script, naming it, its script and the allow-list variable', async () => {
    const err = await builder()
      .build(input({ code: `import s from 'scripted-pkg';\nexport default s;\n` }))
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BuildError);
    expect((err as BuildError).reason).toBe(
      'scripted-pkg@1.0.0 (postinstall: node -e 1) needs its install script, and builds never run package ' +
        'scripts; an administrator can allow it with RUNLET_ALLOW_BUILD_SCRIPTS=scripted-pkg',
    );
    expect(readdirSync(join(dataDir, 'store'))).toEqual([]); // nothing half-allowed is kept
  });

  it('refuses an entry installed earlier once its package is no longer allowed', async () => {
    // An allow-list that let the entry in: its script "ran" (the fake npm rebuild has nothing to do).
    const allowing = builder({ allowBuildScripts: ['scripted-pkg'] });
    const code = `import s from 'scripted-pkg';\nexport default s;\n`;
    const first = await allowing.build(input({ code }));
    const prev = previousLockOf(first);
    const err = await builder()
      .build(input({ version: 2, code, previousLock: prev }))
      .catch((e: unknown) => e);
    expect((err as BuildError).reason).toMatch(/^scripted-pkg@1\.0\.0 .*needs its install script/);
  });

  it('names a missing package and leaves no store entry or temp dir behind', async () => {
    const err = await builder()
      .build(input({ code: `import m from 'missing-pkg';\nexport default m;\n` }))
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BuildError);
    expect((err as BuildError).reason).toBe('package missing-pkg was not found in the npm registry');
    expect((err as BuildError).log).toContain('E404');
    expect(readdirSync(join(dataDir, 'store'))).toEqual([]);
    expect(existsSync(join(dataDir, 'artifacts', 'scr_1', '1'))).toBe(false);
  });

  it('fails on a syntax error with line and column before running npm', async () => {
    const b = builder();
    const err = await b
      .build(input({ code: `import a from 'pkg-a';\n\nconst x = {;\nexport default a;\n` }))
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BuildError);
    expect((err as BuildError).reason).toMatch(/^script\.ts:3:12: /);
    expect((err as BuildError).location).toEqual({ line: 3, column: 12 });
    expect(b.npmRuns).toBe(0);
  });

  it('replaces the artifact when the same version is rebuilt', async () => {
    const b = builder();
    await b.build(input({ code: `export default () => 1;\n` }));
    const out = await b.build(input({ code: `export default () => 2;\n` }));
    expect(readFileSync(join(out.artifactDir, 'main.mjs'), 'utf8')).toContain('=> 2');
    expect(readdirSync(join(dataDir, 'artifacts', 'scr_1'))).toEqual(['1']);
  });

  it('rejects a script id that would escape the artifacts dir', async () => {
    await expect(
      builder().build(input({ scriptId: '../evil', dependencies: {}, code: 'export default 1;' })),
    ).rejects.toThrow(/invalid script id/);
  });

  it('garbage-collects unreferenced store entries and keeps referenced and recent ones', async () => {
    const b = builder();
    const old = await b.build(input());
    const kept = await b.build(
      input({ scriptId: 'scr_2', code: `import b from 'pkg-b';\nexport default b;\n` }),
    );
    expect(await b.collectGarbage(new Set([kept.lockfileHash]), 60_000)).toEqual([]); // both recent
    expect(await b.collectGarbage(new Set([kept.lockfileHash]), 0)).toEqual([old.lockfileHash]);
    expect(readdirSync(join(dataDir, 'store'))).toEqual([kept.lockfileHash]);
  });
});
