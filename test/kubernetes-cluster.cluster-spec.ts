import { KubeConfig } from '@kubernetes/client-node';
import { mkdtempSync, chmodSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubernetesRuntime } from '@runlet/runtime';

/**
 * `npm run test:kubernetes`: the kubernetes runtime on a real cluster (KUBECONFIG). The image
 * must be pullable by the cluster: RUNLET_TEST_KUBERNETES_IMAGE, a script image the builder
 * pushed (it holds /runlet/container-entry.mjs and /app/src/main.mjs returning its input).
 * Without KUBECONFIG the npm script prints that it did not run and exits non-zero.
 */
describe('KubernetesRuntime on a real cluster (KUBECONFIG)', () => {
  it('runs an execution as a Job and returns its result', async () => {
    expect(process.env.KUBECONFIG).toBeTruthy();
    expect(process.env.RUNLET_TEST_KUBERNETES_IMAGE).toBeTruthy();
    const kubeConfig = new KubeConfig();
    kubeConfig.loadFromDefault();
    const artifactDir = mkdtempSync(join(tmpdir(), 'runlet-k8s-'));
    chmodSync(artifactDir, 0o755);
    writeFileSync(
      join(artifactDir, 'artifact.json'),
      JSON.stringify({ entry: 'main.mjs', nodeModulesDir: null }),
    );
    const runtime = new KubernetesRuntime({
      kubeConfig,
      namespace: process.env.RUNLET_KUBERNETES_NAMESPACE || 'default',
      images: async () => process.env.RUNLET_TEST_KUBERNETES_IMAGE,
    });
    const out = await runtime.run({
      executionId: `cluster-${Date.now()}`,
      scriptId: 'cluster-test',
      version: 1,
      artifactDir,
      event: { input: 'from the cluster test' },
      secrets: {},
      timeoutMs: 120_000,
      memoryMb: 128,
      network: 'none',
    });
    expect(out.error).toBeUndefined();
    expect(out.status).toBe('succeeded');
  }, 300_000);
});
