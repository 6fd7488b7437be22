import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ScriptBuilder } from '@runlet/build';

const DEPS = ['dayjs', 'lodash', 'uuid'];
const code = (n: number) =>
  `import dayjs from 'dayjs';\nimport _ from 'lodash';\nimport { v4 } from 'uuid';\n` +
  `export default () => [dayjs().year(), _.chunk([1, 2, 3], ${n}), v4()];\n`;

/**
 * Cold build (empty store) vs a plain `npm install` of the same packages, then a warm code-only
 * rebuild. The npm cache is warmed first (untimed) so neither timed run pays for downloads the
 * other does not; the registry's response times vary by hundreds of milliseconds, so both are
 * measured `rounds` times, in alternating order, and the medians reported.
 */
export async function benchBuilds(rounds = 3): Promise<{
  coldBuildMs: number;
  plainNpmInstallMs: number;
  warmRebuildMs: number;
}> {
  const root = await mkdtemp(join(tmpdir(), 'runlet-bench-'));
  try {
    await npmInstall(join(root, 'warmup'));
    const input = { scriptId: 'bench', language: 'javascript' as const, dependencies: {} };
    const colds: number[] = [];
    const plains: number[] = [];
    let builder!: ScriptBuilder;
    let cold!: Awaited<ReturnType<ScriptBuilder['build']>>;
    const coldBuild = async (round: number) => {
      await builder?.close();
      builder = new ScriptBuilder({ dataDir: join(root, `data-${round}`) });
      const t = performance.now();
      cold = await builder.build({ ...input, version: 1, code: code(1) });
      colds.push(performance.now() - t);
    };
    const plainInstall = async (round: number) => {
      const t = performance.now();
      await npmInstall(join(root, `plain-${round}`));
      plains.push(performance.now() - t);
    };
    for (let round = 0; round < rounds; round++) {
      if (round % 2 === 0) {
        await coldBuild(round);
        await plainInstall(round);
      } else {
        await plainInstall(round);
        await coldBuild(round);
      }
    }

    const previousLock = {
      lockfile: cold.lockfile,
      lockfileHash: cold.lockfileHash,
      dependencySpec: cold.dependencySpec,
    };
    const t = performance.now();
    const warm = await builder.build({ ...input, version: 2, code: code(2), previousLock });
    const warmRebuildMs = performance.now() - t;
    await builder.close();
    if (!warm.cacheHit) throw new Error('warm rebuild was not a cache hit');

    return {
      coldBuildMs: Math.round(median(colds)),
      plainNpmInstallMs: Math.round(median(plains)),
      warmRebuildMs: Math.round(warmRebuildMs),
    };
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

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
