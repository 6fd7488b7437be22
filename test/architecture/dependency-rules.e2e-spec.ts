import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const CONFIG = join(ROOT, '.dependency-cruiser.cjs');
const DEPCRUISE = join(ROOT, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs');

interface Violation {
  rule: string;
  from: string;
  to: string;
}

/** Runs the project's rules (as `npm run lint:deps` does) over a fixture tree; its violations. */
function cruise(fixture: string): Promise<Violation[]> {
  const cwd = join(__dirname, 'fixtures', fixture);
  const roots = ['apps', 'libs'].filter((dir) => existsSync(join(cwd, dir)));
  return new Promise((resolve, reject) => {
    // depcruise exits non-zero when it finds violations: the report on stdout is what counts.
    execFile(
      process.execPath,
      [DEPCRUISE, ...roots, '--config', CONFIG, '--output-type', 'json'],
      { cwd, maxBuffer: 16 * 1024 * 1024 },
      (err, stdout, stderr) => {
        let report: any;
        try {
          report = JSON.parse(stdout);
        } catch {
          return reject(new Error(`depcruise gave no report (${err?.message}): ${stderr}`));
        }
        resolve(report.summary.violations.map((v: any) => ({ rule: v.rule.name, from: v.from, to: v.to })));
      },
    );
  });
}

describe('dependency rules (.dependency-cruiser.cjs) on fixture trees', () => {
  it('rejects an app importing another app through its @runlet alias', async () => {
    expect(await cruise('app-imports-app')).toEqual([
      {
        rule: 'no-app-imports-another-app',
        from: 'apps/api/src/main.ts',
        to: 'apps/executor/src/index.ts',
      },
    ]);
  });

  it('rejects a lib importing an app, and a lib (even its test) importing the tests', async () => {
    const violations = await cruise('lib-imports-app-or-test');
    expect(violations).toHaveLength(2);
    expect(violations).toEqual(
      expect.arrayContaining([
        {
          rule: 'libs-never-import-apps-or-tests',
          from: 'libs/logs/src/log-store.ts',
          to: 'apps/api/src/settings.ts',
        },
        {
          rule: 'libs-never-import-apps-or-tests',
          from: 'libs/logs/src/log-store.int-spec.ts',
          to: 'test/support/database.ts',
        },
      ]),
    );
  });

  it('rejects the domain importing Nest or pg (a type-only import too)', async () => {
    const violations = await cruise('domain-imports-framework');
    expect(violations.map((v) => v.rule)).toEqual([
      'domain-imports-no-framework',
      'domain-imports-no-framework',
    ]);
    expect(violations.map((v) => v.to)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/node_modules\/@nestjs\/common\//),
        expect.stringMatching(/node_modules\/(@types\/)?pg\//),
      ]),
    );
  });

  it('rejects the domain importing another lib of ours', async () => {
    expect(await cruise('domain-imports-lib')).toEqual([
      {
        rule: 'domain-imports-nothing-of-ours',
        from: 'libs/domain/src/script.aggregate.ts',
        to: 'libs/event-store/src/index.ts',
      },
    ]);
  });

  it('rejects a cycle', async () => {
    const violations = await cruise('cycle');
    expect(violations.map((v) => v.rule)).toEqual(['no-cycles']);
  });

  it('accepts a tree that keeps the rules: the host app composes the role apps, apps use libs, libs use the domain and pg', async () => {
    expect(await cruise('clean')).toEqual([]);
  });
});
