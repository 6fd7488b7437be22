import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleScript } from './bundle';

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

describe('bundleScript', () => {
  it('keeps building after esbuild’s service process dies', async () => {
    await bundleScript('export default () => 1;', 'javascript');
    const pids = esbuildChildren();
    expect(pids).toHaveLength(1);
    process.kill(pids[0], 'SIGKILL');
    await new Promise((r) => setTimeout(r, 100)); // let the pipe close be noticed
    const out = await bundleScript('export default () => 2;', 'javascript');
    expect(out.code).toContain('=> 2');
  });

  it('bundled CommonJS sees __dirname, __filename and require; a script’s own bindings stay its own', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'runlet-bundle-'));
    try {
      const pkg = join(dir, 'store', 'node_modules', 'uses-dirname');
      mkdirSync(pkg, { recursive: true });
      writeFileSync(join(pkg, 'package.json'), JSON.stringify({ name: 'uses-dirname', main: 'index.js' }));
      writeFileSync(
        join(pkg, 'index.js'),
        `exports.where = [typeof __dirname, typeof __filename, typeof require('node:fs').readFileSync];`,
      );
      const out = await bundleScript(
        `import { where } from 'uses-dirname';\nimport { createRequire } from 'node:module';\n` +
          `const require = createRequire(import.meta.url);\nconst __dirname = 'mine';\n` +
          `export default () => [where, __dirname, typeof require];\n`,
        'javascript',
        { nodeModulesDir: join(dir, 'store', 'node_modules'), external: [] },
      );
      writeFileSync(join(dir, 'main.mjs'), out.code);
      const runner = `const m = await import('./main.mjs'); console.log(JSON.stringify(m.default()));`;
      const result = execFileSync(process.execPath, ['--input-type=module', '-e', runner], {
        cwd: dir,
        encoding: 'utf8',
      });
      expect(JSON.parse(result)).toEqual([['string', 'string', 'function'], 'mine', 'function']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
