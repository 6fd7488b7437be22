import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ImageBuilder } from '@runlet/build';
import { DockerRuntime, harnessDir, ProcessRuntime, Runtime } from '@runlet/runtime';
import { TestArtifacts } from '../libs/runtime/src/test-artifacts';
import { ms, report, summarize } from './stats';

const RUNS = 10;
const TRIVIAL = `export default async (event, ctx) => { ctx.log.info('hi'); return { ok: true }; }`;

/**
 * Execution latency of a trivial script, process runtime next to the docker runtime: cold (a new
 * sandbox / container per run) and warm (a started one waiting), calling the runtimes directly
 * (no API, queue or events), and the image build + push of a code-only change. Settings: npm
 * start's (pool of 2 with reuse for process, 1 warm container per version for docker), against
 * the local engine and RUNLET_REGISTRY (default 127.0.0.1:5000/runlet-bench).
 */
export async function benchRuntimes(): Promise<void> {
  const artifacts = new TestArtifacts();
  chmodSync(artifacts.root, 0o755);
  const dir = artifacts.create(TRIVIAL);
  chmodSync(dir, 0o755);
  const rows: [string, string | number][] = [];
  const measure = async (label: string, runtime: Runtime, between?: () => Promise<void>) => {
    const samples: number[] = [];
    let n = 0;
    for (let i = 0; i < RUNS + 2; i++) {
      await between?.();
      const t0 = performance.now();
      const out = await runtime.run({
        executionId: `bench-${++n}`,
        scriptId: 'bench',
        version: 1,
        artifactDir: dir,
        event: {},
        secrets: {},
        timeoutMs: 30_000,
        memoryMb: 128,
        network: 'none',
      });
      if (out.status !== 'succeeded') throw new Error(`${label}: ${JSON.stringify(out.error)}`);
      if (i >= 2) samples.push(performance.now() - t0); // two warm-up runs
    }
    const s = summarize(samples);
    rows.push([`${label} p50 / p99 (n=${s.n})`, `${ms(s.p50)} / ${ms(s.p99)}`]);
  };
  const settle = () => new Promise<void>((resolve) => setTimeout(resolve, 1500));
  const limits = { memoryMb: 128, network: 'none' as const };
  try {
    const processCold = await ProcessRuntime.create({ poolSize: 0 });
    await measure('process runtime, cold (new sandbox)', processCold);
    await processCold.close();
    const processWarm = await ProcessRuntime.create({ poolSize: 2, reuse: true });
    processWarm.prewarm(dir, 'bench', 1, limits);
    await measure('process runtime, warm (pool)', processWarm);
    await processWarm.close();
    const dockerCold = new DockerRuntime({ warmPerVersion: 0 });
    await measure('docker runtime, cold (new container)', dockerCold);
    await dockerCold.close();
    const dockerWarm = new DockerRuntime({ warmPerVersion: 1 });
    // Each container serves one run; its successor is started (not measured) before the next.
    await measure('docker runtime, warm (started container)', dockerWarm, async () => {
      dockerWarm.prewarm(dir, 'bench', 1, limits);
      await settle();
    });
    await dockerWarm.close();

    // Image build + push: v1 with a 4 MB dependency, then a code-only v2 on top of it.
    const registry = process.env.RUNLET_REGISTRY || '127.0.0.1:5000/runlet-bench';
    const images = new ImageBuilder({
      baseImage: 'runlet/node-base:20',
      harnessDir: harnessDir(),
      registry: { registry },
    });
    const deps = join(artifacts.root, 'deps');
    mkdirSync(join(deps, 'big'), { recursive: true });
    writeFileSync(
      join(deps, 'big', 'index.js'),
      `module.exports = ${JSON.stringify('x'.repeat(4 * 1024 * 1024))};`,
    );
    const scriptId = `bench-${Date.now()}`;
    const build = async (version: number) => {
      const artifactDir = artifacts.create(`export default () => ${version};`);
      chmodSync(artifactDir, 0o755);
      const t0 = performance.now();
      const built = await images.build({
        nodeModulesDir: deps,
        artifactDir,
        labels: { scriptId, version, lockfileHash: 'bench' },
      });
      return { ms: performance.now() - t0, built };
    };
    const first = await build(1);
    rows.push([
      'image build + push, first version (4 MB dependency)',
      `${ms(first.ms)} (${first.built.layersPushed} layer(s) uploaded)`,
    ]);
    const second = await build(2);
    rows.push([
      'image build + push, code-only change',
      `${ms(second.ms)} (${second.built.layersPushed} uploaded, ${second.built.layersExisting} already there)`,
    ]);
  } finally {
    artifacts.remove();
  }
  report('runtimes: execution latency (trivial script, runtime called directly) and image builds', rows);
}
