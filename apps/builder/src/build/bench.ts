import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ScriptBuilder } from './script-builder';

const DEPS = ['dayjs', 'lodash', 'uuid'];
const code = (n: number) =>
  `import dayjs from 'dayjs';\nimport _ from 'lodash';\nimport { v4 } from 'uuid';\n` +
  `export default () => [dayjs().year(), _.chunk([1, 2, 3], ${n}), v4()];\n`;

/**
 * Cold build (empty store) vs a plain `npm install` of the same packages, then a warm code-only rebuild.
 * The npm cache is warmed first (untimed) so neither timed run pays for downloads the other does not.
 */
export async function benchBuilds(): Promise<{
  coldBuildMs: number;
  plainNpmInstallMs: number;
  warmRebuildMs: number;
}> {
  const root = await mkdtemp(join(tmpdir(), 'runlet-bench-'));
  try {
    await npmInstall(join(root, 'warmup'));
    const builder = new ScriptBuilder({ dataDir: join(root, 'data') });
    const input = { scriptId: 'bench', language: 'javascript' as const, dependencies: {} };

    let t = performance.now();
    const cold = await builder.build({ ...input, version: 1, code: code(1) });
    const coldBuildMs = performance.now() - t;

    t = performance.now();
    await npmInstall(join(root, 'plain'));
    const plainNpmInstallMs = performance.now() - t;

    const previousLock = {
      lockfile: cold.lockfile,
      lockfileHash: cold.lockfileHash,
      dependencySpec: cold.dependencySpec,
    };
    t = performance.now();
    const warm = await builder.build({ ...input, version: 2, code: code(2), previousLock });
    const warmRebuildMs = performance.now() - t;
    if (!warm.cacheHit) throw new Error('warm rebuild was not a cache hit');

    return {
      coldBuildMs: Math.round(coldBuildMs),
      plainNpmInstallMs: Math.round(plainNpmInstallMs),
      warmRebuildMs: Math.round(warmRebuildMs),
    };
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

async function npmInstall(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeFile(
    join(dir, 'package.json'),
    JSON.stringify({ name: 'plain', version: '0.0.0', private: true }),
  );
  await new Promise<void>((resolve, reject) => {
    const child = spawn('npm', ['install', ...DEPS], { cwd: dir, stdio: 'ignore' });
    child.on('error', reject);
    child.on('close', (c) => (c === 0 ? resolve() : reject(new Error(`npm install exited ${c}`))));
  });
}
