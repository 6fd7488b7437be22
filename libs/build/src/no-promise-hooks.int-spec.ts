import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { buildSync } from 'esbuild';

const FAKE_NPM = resolve(__dirname, '../test-fixtures/fake-npm.js');

/**
 * Once any AsyncLocalStorage is used, Node 20 runs promise hooks on every promise of the process
 * from then on: in a process running every role (what `npm start` runs), one build would slow the
 * webhook hot path for good. Checked in a process of its own (jest itself uses AsyncLocalStorage):
 * with the hooks on, a promise continuation runs under an async id of its own instead of 0.
 */
describe('a build leaves async context tracking off', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'runlet-promise-hooks-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('promise continuations keep async id 0 after a build that ran npm', () => {
    writeFileSync(
      join(dir, 'entry.ts'),
      `import { executionAsyncId } from 'node:async_hooks';
       import { ScriptBuilder } from ${JSON.stringify(resolve(__dirname, 'index'))};
       const continuationAsyncId = () => Promise.resolve().then(() => executionAsyncId());
       (async () => {
         const before = await continuationAsyncId();
         const builder = new ScriptBuilder({ dataDir: ${JSON.stringify(join(dir, 'data'))}, npmPath: ${JSON.stringify(FAKE_NPM)} });
         const out = await builder.build({ scriptId: 'scr_hooks', version: 1, language: 'javascript',
           code: "import a from 'pkg-a'; export default () => a;", dependencies: {} });
         await builder.close();
         console.log(JSON.stringify({ before, after: await continuationAsyncId(), npmRan: out.log.includes('npm install') }));
       })().catch((err) => { console.error(err); process.exit(1); });`,
    );
    buildSync({
      entryPoints: [join(dir, 'entry.ts')],
      outfile: join(dir, 'entry.js'),
      bundle: true,
      platform: 'node',
      packages: 'external',
      tsconfig: resolve(__dirname, '../../../tsconfig.json'),
      logLevel: 'silent',
    });
    const out = execFileSync(process.execPath, [join(dir, 'entry.js')], {
      encoding: 'utf8',
      env: {
        ...process.env,
        NODE_PATH: resolve(__dirname, '../../../node_modules'), // the bundle's packages are the platform's
        FAKE_NPM_LOG: join(dir, 'npm-runs.jsonl'),
      },
    });
    expect(JSON.parse(out.trim().split('\n').pop()!)).toEqual({ before: 0, after: 0, npmRan: true });
  });
});
