import { Logger } from '@nestjs/common';
import { RunletConfig } from '@runlet/platform';
import { DockerRuntime, KubernetesRuntime, ProcessRuntime, Runtime } from '@runlet/runtime';
import { ArtifactResolver } from './artifact-resolver';

/** The installation's runtime (RUNLET_RUNTIME); a version's image comes from its BuildSucceeded. */
export async function createRuntime(c: RunletConfig, artifacts: ArtifactResolver): Promise<Runtime> {
  const images = async (scriptId: string, version: number) =>
    (await artifacts.resolve(scriptId, version)).image;
  const logger = new Logger('executor');
  if (c.runtime.kind === 'docker') {
    logger.log('runtime: docker (one container per execution)');
    return new DockerRuntime({
      images,
      baseImage: c.runtime.baseImage,
      warmPerVersion: c.runtime.warmContainers,
    });
  }
  if (c.runtime.kind === 'kubernetes') {
    logger.log(`runtime: kubernetes (one Job per execution, namespace ${c.runtime.kubernetesNamespace})`);
    return KubernetesRuntime.fromEnvironment({ images, namespace: c.runtime.kubernetesNamespace });
  }
  const runtime = await ProcessRuntime.create({
    poolSize: c.executor.poolSize,
    // Never more sandboxes than runs at once: a burst waits for a warm one instead.
    maxSandboxes: c.executor.concurrency,
    poolMemoryMb: c.executor.poolMemoryMb,
    idleMs: c.executor.poolIdleMs,
    reuse: c.executor.reuseInstances,
    allowInsecure: c.executor.allowInsecureSandbox,
  });
  if (c.executor.allowInsecureSandbox)
    logger.warn('RUNLET_ALLOW_INSECURE_SANDBOX=true: user code may run WITHOUT a sandbox');
  return runtime;
}
