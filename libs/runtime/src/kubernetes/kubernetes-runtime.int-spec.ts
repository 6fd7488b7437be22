import { KubeConfig } from '@kubernetes/client-node';
import { chmodSync } from 'node:fs';
import { ImageBuilder } from '@runlet/build';
import { harnessDir } from '../harness-path';
import { TestArtifacts } from '../test-artifacts';
import { request } from '../test-requests';
import { KubernetesApiStandIn } from './kubernetes-api.stand-in';
import { KubernetesRuntime } from './kubernetes-runtime';

/**
 * The kubernetes runtime end to end against the Kubernetes API stand-in (kubernetes-api.stand-in.ts):
 * the real client over HTTP, the pod's container run from a real image on the real Docker engine.
 */
describe('KubernetesRuntime against the Kubernetes API stand-in (real client over HTTP, real image)', () => {
  const standIn = new KubernetesApiStandIn();
  const artifacts = new TestArtifacts();
  let runtime: KubernetesRuntime;
  let image: string;
  let artifactDir: string;

  beforeAll(async () => {
    chmodSync(artifacts.root, 0o755);
    artifactDir = artifacts.create(`export default async (event, ctx) => {
  if (event.spin) while (true) {}
  console.log('reading with', ctx.secrets.API_TOKEN);
  return { doubled: event.n * 2, uid: process.getuid() };
}`);
    chmodSync(artifactDir, 0o755);
    const built = await new ImageBuilder({
      baseImage: 'runlet/node-base:20',
      harnessDir: harnessDir(),
    }).build({
      nodeModulesDir: null,
      artifactDir,
      labels: { scriptId: 'k8s-stand-in', version: 1, lockfileHash: 'none' },
    });
    image = built.image;
    const server = await standIn.start();
    const kubeConfig = new KubeConfig();
    kubeConfig.loadFromOptions({
      clusters: [{ name: 'stand-in', server, skipTLSVerify: true }],
      users: [{ name: 'runlet', token: 'stand-in-token' }],
      contexts: [{ name: 'stand-in', cluster: 'stand-in', user: 'runlet', namespace: 'runlet' }],
      currentContext: 'stand-in',
    });
    runtime = new KubernetesRuntime({
      kubeConfig,
      namespace: 'runlet',
      images: async () => image,
      pollMs: 50,
      unschedulableAfterMs: 0,
    });
  });
  afterAll(async () => {
    await runtime.close();
    await standIn.stop();
    artifacts.remove();
  });

  it('runs a Job with every security setting, streams masked logs, returns the result and deletes the Job', async () => {
    standIn.behaviour = 'run';
    const req = request(artifactDir, {
      event: { n: 21 },
      secrets: { API_TOKEN: 'tok-123456' },
      timeoutMs: 20_000,
      memoryMb: 96,
      network: 'none',
    });
    const out = await runtime.run(req);
    expect(out.error).toBeUndefined();
    expect(out.status).toBe('succeeded');
    expect(out.result).toEqual({ doubled: 42, uid: 10001 });
    expect(req.logs.map((l) => l.message)).toContain('reading with ***');

    const job = standIn.jobs[standIn.jobs.length - 1];
    const spec = job.spec!;
    expect(spec.backoffLimit).toBe(0);
    expect(spec.activeDeadlineSeconds).toBeGreaterThanOrEqual(20);
    expect(spec.ttlSecondsAfterFinished).toBeGreaterThan(0);
    expect(job.metadata!.labels!['runlet.dev/execution']).toBe(req.executionId);
    expect(job.metadata!.labels!['runlet.dev/script']).toBe(req.scriptId);
    const pod = spec.template.spec!;
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.restartPolicy).toBe('Never');
    expect(pod.securityContext).toMatchObject({
      runAsNonRoot: true,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    const container = pod.containers[0];
    expect(container.image).toBe(image);
    expect(container.securityContext).toMatchObject({
      runAsNonRoot: true,
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(container.resources).toMatchObject({ limits: { memory: '208Mi', cpu: '1' } });
    // The secret travels in a Secret volume, never in the Job's spec.
    expect(JSON.stringify(job)).not.toContain('tok-123456');
    expect(standIn.secrets.at(-1)!.metadata!.name).toBe(job.metadata!.name);
    // network none: a deny-all-egress policy selecting the execution's pod.
    const policy = standIn.networkPolicies.at(-1)!;
    expect(policy.spec).toEqual({
      podSelector: { matchLabels: { 'runlet.dev/execution': req.executionId } },
      policyTypes: ['Egress'],
      egress: [],
    });
    const name = job.metadata!.name!;
    expect(standIn.deleted).toEqual(
      expect.arrayContaining([`jobs/${name}`, `secrets/${name}`, `networkpolicies/${name}`]),
    );
  });

  it('timeout: the run is timed out at timeoutMs and its Job deleted (the pod with it)', async () => {
    standIn.behaviour = 'run';
    const out = await runtime.run(
      request(artifactDir, { event: { spin: true }, timeoutMs: 1500, network: 'egress' }),
    );
    expect(out.status).toBe('timed_out');
    expect(out.error?.message).toMatch(/1500 ms/);
    expect(standIn.deleted).toContain(`jobs/${standIn.jobs.at(-1)!.metadata!.name}`);
  });

  it('cancel: an aborted run is cancelled and its Job deleted', async () => {
    standIn.behaviour = 'run';
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 800);
    const out = await runtime.run(
      request(artifactDir, { event: { spin: true }, timeoutMs: 20_000, signal: controller.signal }),
    );
    expect(out.status).toBe('cancelled');
    expect(standIn.deleted).toContain(`jobs/${standIn.jobs.at(-1)!.metadata!.name}`);
  });

  it.each([
    [
      'unschedulable',
      /could not be scheduled \(Unschedulable\): 0\/3 nodes are available: 3 Insufficient memory/,
    ],
    ['image-pull-backoff', /could not start \(ImagePullBackOff\)/],
  ] as const)(
    'a pod that never starts (%s) fails the execution with the reason; the Job is deleted',
    async (behaviour, reason) => {
      standIn.behaviour = behaviour;
      const out = await runtime.run(request(artifactDir, { timeoutMs: 20_000, network: 'egress' }));
      expect(out.status).toBe('failed');
      expect(out.error?.message).toMatch(reason);
      expect(standIn.deleted).toContain(`jobs/${standIn.jobs.at(-1)!.metadata!.name}`);
    },
  );
});
