import { BatchV1Api, CoreV1Api, KubeConfig, Log, NetworkingV1Api, type V1Pod } from '@kubernetes/client-node';
import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { maskDeep } from '@runlet/secrets';
import { readArtifactManifest } from '../artifact';
import { ContainerFrames, type EntryResult } from '../container-frames';
import { LogSink } from '../log-sink';
import type { ExecutionOutcome, ExecutionRequest, Runtime } from '../types';
import { CONTAINER_NAME, denyEgressPolicy, executionJob, type JobPlan, requestSecret } from './job-spec';
import { podProblem } from './pod-problems';
import { harnessRunRequest, startRun } from '../run-ending';

export interface KubernetesRuntimeOptions {
  kubeConfig: KubeConfig;
  namespace: string;
  /** The image of a script version (BuildSucceeded's `image`). */
  images: (scriptId: string, version: number) => Promise<string | undefined>;
  maxLogBytes?: number;
  /** How often the pod's status is read while it starts, default 500 ms. */
  pollMs?: number;
  /** A pod unschedulable for this long fails its execution (default 60 s: time for an autoscaler). */
  unschedulableAfterMs?: number;
}

type Ending = { kind: 'run'; result: EntryResult } | { kind: 'timeout' } | { kind: 'cancel' };

/**
 * Runs each execution as a Job (job-spec.ts) from the version's image: the request in a Secret,
 * the harness protocol read from the pod's log stream, everything deleted afterwards.
 */
export class KubernetesRuntime implements Runtime {
  readonly name = 'kubernetes';
  private readonly batch: BatchV1Api;
  private readonly core: CoreV1Api;
  private readonly networking: NetworkingV1Api;
  private readonly logs: Log;
  private readonly maxLogBytes: number;
  private readonly live = new Set<string>();
  private closed = false;

  constructor(private readonly opts: KubernetesRuntimeOptions) {
    this.batch = opts.kubeConfig.makeApiClient(BatchV1Api);
    this.core = opts.kubeConfig.makeApiClient(CoreV1Api);
    this.networking = opts.kubeConfig.makeApiClient(NetworkingV1Api);
    this.logs = new Log(opts.kubeConfig);
    this.maxLogBytes = opts.maxLogBytes ?? 1024 * 1024;
  }

  /** In a pod: the cluster's service account; elsewhere KUBECONFIG (or ~/.kube/config). */
  static fromEnvironment(opts: Omit<KubernetesRuntimeOptions, 'kubeConfig'>): KubernetesRuntime {
    const kubeConfig = new KubeConfig();
    if (process.env.KUBERNETES_SERVICE_HOST && !process.env.KUBECONFIG) kubeConfig.loadFromCluster();
    else kubeConfig.loadFromDefault();
    return new KubernetesRuntime({ ...opts, kubeConfig });
  }

  /** Pods start from their image on whichever node: nothing to keep warm here. */
  prewarm(): void {}

  async run(req: ExecutionRequest): Promise<ExecutionOutcome> {
    const { mask, sink, outcome } = startRun(req, this.maxLogBytes);
    const fail = (message: string) => {
      sink.system('error', `[runlet] ${mask(message)}`);
      return outcome('failed', { error: { message: mask(message) } });
    };
    if (this.closed) return outcome('failed', { error: { message: 'The runtime is closed' } });
    if (req.signal?.aborted) return outcome('cancelled', { error: { message: 'Execution cancelled' } });
    const image =
      req.scriptId === 'try'
        ? undefined
        : await this.opts.images(req.scriptId, req.version).catch(() => undefined);
    if (!image)
      return fail(
        `No image for ${req.scriptId === 'try' ? 'a try-out' : `version ${req.version}`}: the kubernetes runtime runs built images only (RUNLET_REGISTRY)`,
      );
    const plan: JobPlan = {
      name: `runlet-${req.executionId
        .toLowerCase()
        .replace(/[^a-z0-9-]/g, '')
        .slice(0, 40)}-${randomUUID().slice(0, 8)}`,
      executionId: req.executionId,
      scriptId: req.scriptId,
      version: req.version,
      image,
      entry: entryOf(req.artifactDir),
      limits: { memoryMb: req.memoryMb, network: req.network },
      timeoutMs: req.timeoutMs,
    };
    const runId = randomUUID();
    const request = { t: 'run', ...harnessRunRequest(runId, req, this.maxLogBytes) };
    this.live.add(plan.name);
    try {
      try {
        await this.create(plan, request);
      } catch (err) {
        return fail(`The Job could not be created: ${describe(err)}`);
      }
      const ending = await this.execute(plan, req, sink);
      if (ending.kind === 'timeout') {
        sink.system('error', `[runlet] execution timed out after ${req.timeoutMs} ms`);
        return outcome('timed_out', { error: { message: `Execution timed out after ${req.timeoutMs} ms` } });
      }
      if (ending.kind === 'cancel')
        return outcome('cancelled', { error: { message: 'Execution cancelled' } });
      const result = ending.result;
      if (result.kind === 'died') return fail(result.error.message);
      if (result.ok) return outcome('succeeded', { result: maskDeep(result.value, mask) });
      const error = result.error ?? { message: 'Unknown error' };
      return outcome('failed', {
        error: maskDeep({ message: String(error.message), stack: error.stack }, mask),
      });
    } finally {
      await this.cleanUp(plan);
      this.live.delete(plan.name);
    }
  }

  private async create(plan: JobPlan, request: unknown): Promise<void> {
    const namespace = this.opts.namespace;
    await this.core.createNamespacedSecret({ namespace, body: requestSecret(plan, request) });
    if (plan.limits.network === 'none')
      await this.networking.createNamespacedNetworkPolicy({ namespace, body: denyEgressPolicy(plan) });
    await this.batch.createNamespacedJob({ namespace, body: executionJob(plan) });
  }

  private async execute(plan: JobPlan, req: ExecutionRequest, sink: LogSink): Promise<Ending> {
    let timer: NodeJS.Timeout | undefined;
    let onAbort: (() => void) | undefined;
    const stop = new AbortController();
    const cancelled = new Promise<Ending>((resolve) => {
      onAbort = () => resolve({ kind: 'cancel' });
      if (req.signal?.aborted) onAbort();
      else req.signal?.addEventListener('abort', onAbort, { once: true });
    });
    const deadline = new Promise<Ending>((resolve) => {
      timer = setTimeout(() => resolve({ kind: 'timeout' }), req.timeoutMs);
    });
    try {
      const run = this.follow(plan, req.memoryMb, sink, stop.signal).then((result): Ending => ({
        kind: 'run',
        result,
      }));
      return await Promise.race([run, deadline, cancelled]);
    } finally {
      stop.abort();
      clearTimeout(timer);
      if (onAbort) req.signal?.removeEventListener('abort', onAbort);
    }
  }

  /** Waits for the pod to run (or to fail to), then reads its log stream to the result. */
  private async follow(
    plan: JobPlan,
    memoryMb: number,
    sink: LogSink,
    stop: AbortSignal,
  ): Promise<EntryResult> {
    const pod = await this.startedPod(plan, stop);
    if ('error' in pod) return { kind: 'died', error: { message: pod.error } };
    let settle!: (result: EntryResult) => void;
    const ended = new Promise<EntryResult>((resolve) => (settle = resolve));
    const frames = new ContainerFrames(memoryMb, (result) => settle(result));
    frames.sink = sink;
    const out = new Writable({
      write(chunk: Buffer, _encoding, done) {
        frames.push(chunk.toString('utf8'));
        done();
      },
    });
    out.on('finish', () => void this.endedWithout(plan, pod.name, memoryMb).then(settle));
    const request = await this.logs.log(this.opts.namespace, pod.name, CONTAINER_NAME, out, { follow: true });
    stop.addEventListener('abort', () => request.abort(), { once: true });
    return ended;
  }

  /** The pod once its container runs (or ran), or why it never will. */
  private async startedPod(plan: JobPlan, stop: AbortSignal): Promise<{ name: string } | { error: string }> {
    let unschedulableSince: number | undefined;
    while (!stop.aborted) {
      const pods = await this.core
        .listNamespacedPod({ namespace: this.opts.namespace, labelSelector: `job-name=${plan.name}` })
        .catch(() => undefined);
      const pod: V1Pod | undefined = pods?.items[0];
      if (pod) {
        const problem = podProblem(pod);
        if (problem?.unschedulable) {
          unschedulableSince ??= Date.now();
          if (Date.now() - unschedulableSince >= (this.opts.unschedulableAfterMs ?? 60_000))
            return { error: problem.message };
        } else if (problem) return { error: problem.message };
        const state = pod.status?.containerStatuses?.find((c) => c.name === CONTAINER_NAME)?.state;
        if (state?.running || state?.terminated) return { name: pod.metadata!.name! };
      }
      await new Promise((resolve) => setTimeout(resolve, this.opts.pollMs ?? 500));
    }
    return { error: 'stopped' };
  }

  /** The log stream ended before a result: the pod's own status says why. */
  private async endedWithout(plan: JobPlan, podName: string, memoryMb: number): Promise<EntryResult> {
    const pod = await this.core
      .readNamespacedPod({ namespace: this.opts.namespace, name: podName })
      .catch(() => undefined);
    const terminated = pod?.status?.containerStatuses?.find((c) => c.name === CONTAINER_NAME)?.state
      ?.terminated;
    if (terminated?.reason === 'OOMKilled')
      return { kind: 'died', error: { message: `memory limit of ${memoryMb} MB exceeded` } };
    const why = terminated
      ? `${terminated.reason ?? 'exit'} ${terminated.exitCode ?? ''}`.trim()
      : 'its log stream ended';
    return {
      kind: 'died',
      error: { message: `The pod of Job ${plan.name} ended without a result (${why})` },
    };
  }

  /** Deletes the Job (and so its pod), the request Secret and the NetworkPolicy; never throws. */
  private async cleanUp(plan: JobPlan): Promise<void> {
    const namespace = this.opts.namespace;
    await Promise.all([
      this.batch
        .deleteNamespacedJob({ namespace, name: plan.name, propagationPolicy: 'Background' })
        .catch(() => undefined),
      this.core.deleteNamespacedSecret({ namespace, name: plan.name }).catch(() => undefined),
      plan.limits.network === 'none'
        ? this.networking.deleteNamespacedNetworkPolicy({ namespace, name: plan.name }).catch(() => undefined)
        : undefined,
    ]);
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}

function entryOf(artifactDir: string): string {
  try {
    return readArtifactManifest(artifactDir).entry;
  } catch {
    return 'main.mjs'; // the builder's entry (this executor may not see the artifact dir)
  }
}

function describe(err: unknown): string {
  const e = err as { code?: number; body?: unknown; message?: string };
  const body = typeof e.body === 'string' ? e.body : JSON.stringify(e.body ?? '');
  return `${e.message ?? String(err)}${body && body !== '""' ? ` ${body.slice(0, 300)}` : ''}`;
}
