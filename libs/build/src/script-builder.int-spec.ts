import { execFileSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { BuildError, ScriptBuilder, type BuildInput, type BuildOutput } from './index';

// Real npm against the real registry.
jest.setTimeout(60_000);

const SCRIPT = `
import dayjs from 'dayjs';
import fp from 'lodash/fp';
import slugify from '@sindresorhus/slugify';

export default async function (): Promise<{ date: string; words: string[]; slug: string }> {
  return {
    date: dayjs('2024-03-05T00:00:00Z').format('YYYY/MM/DD'),
    words: fp.map(fp.toUpper)(['a', 'b']),
    slug: slugify('Hello Wörld, Runlet!'),
  };
}
`;

/** Runs the artifact the way an executor would: main.mjs next to the store's node_modules. */
function runArtifact(out: BuildOutput): unknown {
  const manifest = JSON.parse(readFileSync(join(out.artifactDir, 'artifact.json'), 'utf8'));
  const dir = mkdtempSync(join(tmpdir(), 'runlet-run-'));
  try {
    copyFileSync(join(out.artifactDir, manifest.entry), join(dir, 'main.mjs'));
    if (manifest.nodeModulesDir) symlinkSync(manifest.nodeModulesDir, join(dir, 'node_modules'), 'dir');
    const runner = `const m = await import('./main.mjs'); console.log(JSON.stringify(await m.default()));`;
    return JSON.parse(
      execFileSync(process.execPath, ['--input-type=module', '-e', runner], { cwd: dir, encoding: 'utf8' }),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('ScriptBuilder (real npm)', () => {
  let dataDir: string;
  let builder: ScriptBuilder;
  const input = (over: Partial<BuildInput> = {}): BuildInput => ({
    scriptId: 'scr_int',
    version: 1,
    code: SCRIPT,
    language: 'typescript',
    dependencies: { dayjs: '1.11.10' },
    ...over,
  });

  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'runlet-builder-int-'));
    builder = new ScriptBuilder({ dataDir });
  });
  afterAll(async () => {
    await builder.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  let first: BuildOutput;

  it('builds dayjs + lodash/fp + ESM-only @sindresorhus/slugify, honours a pin, and the artifact runs', async () => {
    const lines: string[] = [];
    first = await builder.build(input({ log: (l) => lines.push(l) }));
    expect(first.dependencySpec).toEqual({ '@sindresorhus/slugify': '*', dayjs: '1.11.10', lodash: '*' });
    expect(first.resolvedDependencies.dayjs).toBe('1.11.10');
    expect(Object.keys(first.resolvedDependencies)).toEqual(['@sindresorhus/slugify', 'dayjs', 'lodash']);
    const lock = JSON.parse(first.lockfile);
    for (const [name, version] of Object.entries(first.resolvedDependencies)) {
      expect(version).toMatch(/^\d+\.\d+\.\d+$/);
      expect(lock.packages[`node_modules/${name}`].version).toBe(version);
    }
    expect(first.cacheHit).toBe(false);
    expect(lines.length).toBeGreaterThan(0);
    expect(first.log).toContain('npm install');
    expect(runArtifact(first)).toEqual({
      date: '2024/03/05',
      words: ['A', 'B'],
      slug: 'hello-woerld-runlet',
    });
  });

  it('rebuilds a code-only change from the cache without starting npm', async () => {
    const before = builder.npmRuns;
    const out = await builder.build(
      input({
        version: 2,
        code: SCRIPT.replace("'a', 'b'", "'x'"),
        previousLock: {
          lockfile: first.lockfile,
          lockfileHash: first.lockfileHash,
          dependencySpec: first.dependencySpec,
        },
      }),
    );
    expect(out.cacheHit).toBe(true);
    expect(builder.npmRuns).toBe(before);
    expect(out.lockfileHash).toBe(first.lockfileHash);
    expect(runArtifact(out)).toMatchObject({ words: ['X'] });
  });

  it('re-resolves with upgrade: the pin still holds, ranges are re-resolved', async () => {
    const before = builder.npmRuns;
    const out = await builder.build(
      input({
        version: 3,
        upgrade: true,
        previousLock: {
          lockfile: first.lockfile,
          lockfileHash: first.lockfileHash,
          dependencySpec: first.dependencySpec,
        },
      }),
    );
    expect(builder.npmRuns).toBe(before + 1);
    expect(out.cacheHit).toBe(false);
    expect(out.resolvedDependencies.dayjs).toBe('1.11.10');
  });

  it('names a package that does not exist', async () => {
    const err = await builder
      .build(
        input({
          version: 4,
          code: `import x from 'this-package-does-not-exist-xyz';\nexport default () => x;\n`,
          dependencies: {},
        }),
      )
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BuildError);
    expect((err as BuildError).reason).toBe(
      'package this-package-does-not-exist-xyz was not found in the npm registry',
    );
    expect(readdirSync(join(dataDir, 'store')).filter((n) => n.startsWith('.'))).toEqual([]);
  });

  it('reports a TypeScript syntax error with line and column', async () => {
    const err = await builder
      .build(
        input({
          version: 5,
          code: `import dayjs from 'dayjs';\n\nconst when: string = ;\nexport default () => when;\n`,
        }),
      )
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BuildError);
    expect((err as BuildError).reason).toMatch(/^script\.ts:3:22: Unexpected ";"/);
    expect((err as BuildError).location).toEqual({ line: 3, column: 22 });
  });

  it('refuses a dependency that needs its install scripts, naming it, and never runs them', async () => {
    const marker = join(dataDir, 'postinstall-ran');
    process.env.RUNLET_POSTINSTALL_MARKER = marker;
    try {
      const fixture = resolve(__dirname, '../test-fixtures/postinstall-pkg');
      const err = await builder
        .build(
          input({
            scriptId: 'scr_post',
            code: `import fixture from 'runlet-postinstall-fixture';\nexport default () => fixture.hello();\n`,
            dependencies: { 'runlet-postinstall-fixture': `file:${fixture}` },
          }),
        )
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(BuildError);
      expect((err as BuildError).reason).toMatch(
        /^runlet-postinstall-fixture@1\.0\.0 \(preinstall: .*; install: .*; postinstall: .*\) needs its install script, .*RUNLET_ALLOW_BUILD_SCRIPTS=runlet-postinstall-fixture$/,
      );
      expect(existsSync(marker)).toBe(false);
      expect(existsSync(join(dataDir, 'artifacts', 'scr_post'))).toBe(false);
    } finally {
      delete process.env.RUNLET_POSTINSTALL_MARKER;
    }
  });

  it('runs an allowed package’s install script in the build sandbox, away from the platform', async () => {
    process.env.RUNLET_TEST_SECRET = 'not for install scripts';
    const allowing = new ScriptBuilder({
      dataDir: join(dataDir, 'allowing'),
      allowBuildScripts: ['runlet-install-script-fixture'],
    });
    try {
      const fixture = resolve(__dirname, '../test-fixtures/install-script-pkg');
      const lines: string[] = [];
      const out = await allowing.build(
        input({
          scriptId: 'scr_allowed',
          code: `import fixture from 'runlet-install-script-fixture';\nexport default () => fixture.built;\n`,
          dependencies: { 'runlet-install-script-fixture': `file:${fixture}` },
          log: (l) => lines.push(l),
        }),
      );
      expect(lines.join('\n')).toMatch(/npm rebuild runlet-install-script-fixture in a sandbox/);
      const seen = runArtifact(out) as {
        cwd: string;
        home: string;
        envKeys: string[];
        root: string[];
        tmp: string[];
      };
      expect(seen.cwd).toBe('/build/node_modules/runlet-install-script-fixture');
      expect(seen.home).toBe('/tmp');
      expect(seen.envKeys).not.toContain('RUNLET_TEST_SECRET');
      expect(seen.envKeys.filter((k) => k.startsWith('RUNLET_') || k.startsWith('JEST'))).toEqual([]);
      // Neither the platform's code (this worktree), nor its data dir (under the host's /tmp), nor home.
      const [top, next] = process.cwd().split('/').slice(1);
      if (top === 'tmp') expect(seen.tmp).not.toContain(next);
      else expect(seen.root).not.toContain(top);
      expect(seen.root).not.toContain('root');
      expect(seen.tmp).not.toContain(dataDir.split('/').pop());
    } finally {
      delete process.env.RUNLET_TEST_SECRET;
      await allowing.close();
    }
  });

  it('installs once for two concurrent builds with the same dependencies', async () => {
    // Its own store, so the entry cannot already exist from an earlier test.
    const b = new ScriptBuilder({ dataDir: join(dataDir, 'concurrent') });
    const code = `import { v4 } from 'uuid';\nexport default () => v4();\n`;
    const [x, y] = await Promise.all([
      b.build(input({ scriptId: 'c1', code, dependencies: { uuid: '9.0.1' } })),
      b.build(input({ scriptId: 'c2', code, dependencies: { uuid: '9.0.1' } })),
    ]);
    await b.close();
    expect(b.npmRuns).toBe(1);
    expect(x.lockfileHash).toBe(y.lockfileHash);
    expect(runArtifact(y)).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('garbage-collects an unreferenced old entry and keeps referenced ones', async () => {
    // A second entry beside the first one's (the upgrade may have resolved to the same lockfile).
    await builder.build(
      input({
        scriptId: 'scr_gc',
        code: `import { v4 } from 'uuid';\nexport default () => v4();\n`,
        dependencies: { uuid: '9.0.1' },
      }),
    );
    mkdirSync(join(dataDir, 'store'), { recursive: true });
    const entries = readdirSync(join(dataDir, 'store')).filter((n) => /^[0-9a-f]{64}$/.test(n));
    expect(entries.length).toBeGreaterThanOrEqual(2);
    const keep = new Set([first.lockfileHash]);
    const removed = await builder.collectGarbage(keep, 0);
    expect(removed.sort()).toEqual(entries.filter((h) => !keep.has(h)).sort());
    expect(readdirSync(join(dataDir, 'store'))).toEqual([first.lockfileHash]);
  });
});
