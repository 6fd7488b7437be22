import Docker from 'dockerode';
import { randomUUID } from 'node:crypto';
import { maskDeep } from '@runlet/secrets';
import { readArtifactManifest } from '../artifact';
import { harnessDir } from '../harness-path';
import { LogSink } from '../log-sink';
import type { ExecutionOutcome, ExecutionRequest, Runtime, SandboxLimits } from '../types';
import { containerOptions, type ContainerPlan } from './container-spec';
import { ContainerSession, type SessionResult } from './container-session';
import { DEFAULT_EGRESS_NETWORK, ensureEgressNetwork } from './egress-network';
import { WarmContainers } from './warm-containers';
import { harnessRunRequest, startRun } from '../run-ending';

export const DEFAULT_BASE_IMAGE = 'runlet/node-base:20';
/** Socket errors meaning the engine is not there (or not answering). */
const ENGINE_DOWN = ['ECONNREFUSED', 'ENOENT', 'EACCES', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT'];

export interface DockerRuntimeOptions {
  /** Default: dockerode's own (DOCKER_HOST, else /var/run/docker.sock). */
  docker?: Docker;
  /** The image of a script version (BuildSucceeded's `image`); none: the base image with the artifact mounted. */
  images?: (scriptId: string, version: number) => Promise<string | undefined>;
  baseImage?: string;
  /** Idle warm containers per version, default 1; 0: every execution starts a new container. */
  warmPerVersion?: number;
  idleMs?: number;
  maxLogBytes?: number;
  maxPids?: number;
  egressNetwork?: string;
}

type Ending = { kind: 'run'; result: SessionResult } | { kind: 'timeout' } | { kind: 'cancel' };

/**
 * Runs each execution in a container of its own (docs/architecture.md, runtimes): the version's
 * image, hardened (container-spec.ts), speaking the harness protocol over its stdio.
 */
export class DockerRuntime implements Runtime {
  readonly name = 'docker';
  private readonly docker: Docker;
  private readonly baseImage: string;
  private readonly maxLogBytes: number;
  private readonly egressNetwork: string;
  private egressReady?: Promise<void>;
  private readonly live = new Set<ContainerSession>();
  private readonly warm: WarmContainers;
  private closed = false;

  constructor(private readonly opts: DockerRuntimeOptions = {}) {
    this.docker = opts.docker ?? new Docker();
    this.baseImage = opts.baseImage ?? DEFAULT_BASE_IMAGE;
    this.maxLogBytes = opts.maxLogBytes ?? 1024 * 1024;
    this.egressNetwork = opts.egressNetwork ?? DEFAULT_EGRESS_NETWORK;
    this.warm = new WarmContainers(
      { size: opts.warmPerVersion ?? 1, idleMs: opts.idleMs ?? 60_000 },
      (plan) => this.startSession(plan),
    );
  }

  prewarm(artifactDir: string, scriptId: string, version: number, limits?: Partial<SandboxLimits>): void {
    if (this.closed) return;
    const full: SandboxLimits = { memoryMb: 128, network: 'none', ...limits };
    void this.plan(artifactDir, scriptId, version, full, `warm-${randomUUID()}`)
      .then((plan) => this.warm.fill(plan))
      .catch(() => undefined); // a run starts a cold container and reports the reason
  }

  async run(req: ExecutionRequest): Promise<ExecutionOutcome> {
    const { mask, sink, outcome } = startRun(req, this.maxLogBytes);
    if (this.closed) return outcome('failed', { error: { message: 'The runtime is closed' } });
    if (req.signal?.aborted) return outcome('cancelled', { error: { message: 'Execution cancelled' } });
    const limits: SandboxLimits = { memoryMb: req.memoryMb, network: req.network };
    let session: ContainerSession;
    try {
      const plan = await this.plan(req.artifactDir, req.scriptId, req.version, limits, req.executionId);
      session = this.warm.take(plan) ?? (await this.startSession(plan));
    } catch (err) {
      const message = mask(this.describe(err as Error));
      sink.system('error', `[runlet] ${message}`);
      return outcome('failed', { error: { message } });
    }
    try {
      const ending = await this.execute(session, req, sink);
      if (ending.kind === 'timeout') {
        sink.system('error', `[runlet] execution timed out after ${req.timeoutMs} ms`);
        return outcome('timed_out', { error: { message: `Execution timed out after ${req.timeoutMs} ms` } });
      }
      if (ending.kind === 'cancel')
        return outcome('cancelled', { error: { message: 'Execution cancelled' } });
      const result = ending.result;
      if (result.kind === 'died')
        return outcome('failed', { error: { message: mask(result.error.message) } });
      if (result.ok) return outcome('succeeded', { result: maskDeep(result.value, mask) });
      const error = result.error ?? { message: 'Unknown error' };
      return outcome('failed', {
        error: maskDeep({ message: String(error.message), stack: error.stack }, mask),
      });
    } finally {
      // One execution per container: it ends with its result; make sure of it.
      void session.kill();
    }
  }

  private async execute(session: ContainerSession, req: ExecutionRequest, sink: LogSink): Promise<Ending> {
    const id = randomUUID();
    let timer: NodeJS.Timeout | undefined;
    let onAbort: (() => void) | undefined;
    const cancelled = new Promise<Ending>((resolve) => {
      onAbort = () => resolve({ kind: 'cancel' });
      if (req.signal?.aborted) onAbort();
      else req.signal?.addEventListener('abort', onAbort, { once: true });
    });
    const deadline = new Promise<Ending>((resolve) => {
      timer = setTimeout(() => resolve({ kind: 'timeout' }), req.timeoutMs);
    });
    try {
      const run = session
        .run(harnessRunRequest(id, req, this.maxLogBytes), sink)
        .then((result): Ending => ({ kind: 'run', result }));
      const ending = await Promise.race([run, deadline, cancelled]);
      if (ending.kind !== 'run') {
        session.abort(id, ending.kind === 'timeout' ? 'timeout' : 'cancel');
        await session.kill();
      }
      return ending;
    } finally {
      clearTimeout(timer);
      if (onAbort) req.signal?.removeEventListener('abort', onAbort);
    }
  }

  /** The container for a run: the version's image, or the base image with the artifact mounted. */
  private async plan(
    artifactDir: string,
    scriptId: string,
    version: number,
    limits: SandboxLimits,
    executionId: string,
  ): Promise<ContainerPlan> {
    const manifest = readArtifactManifest(artifactDir);
    const image = scriptId === 'try' ? undefined : await this.opts.images?.(scriptId, version);
    if (limits.network === 'egress') await this.egress();
    return {
      image: image ?? this.baseImage,
      entry: manifest.entry,
      limits,
      maxPids: this.opts.maxPids ?? 256,
      egressNetwork: this.egressNetwork,
      labels: {
        'runlet.execution': executionId,
        'runlet.script': scriptId,
        'runlet.version': String(version),
      },
      mounts: image
        ? undefined
        : { harnessDir: harnessDir(), artifactDir, nodeModulesDir: manifest.nodeModulesDir },
    };
  }

  private egress(): Promise<void> {
    this.egressReady ??= ensureEgressNetwork(this.docker, this.egressNetwork).catch((err: Error) => {
      this.egressReady = undefined; // tried again by the next egress run
      throw new Error(`The egress network ${this.egressNetwork} could not be set up: ${err.message}`, {
        cause: err,
      });
    });
    return this.egressReady;
  }

  private async startSession(plan: ContainerPlan): Promise<ContainerSession> {
    const session = await ContainerSession.start(
      this.docker,
      containerOptions(plan),
      plan.limits.memoryMb,
      () => this.engineAlive(),
    );
    this.live.add(session);
    void session.result.then(() => this.live.delete(session));
    if (this.closed) await session.kill();
    return session;
  }

  private engineAlive(): Promise<boolean> {
    return this.docker.ping().then(
      () => true,
      () => false,
    );
  }

  /** The engine not answering says so, rather than a bare socket error (also under a wrapping error). */
  private describe(err: Error & { code?: string; statusCode?: number }): string {
    for (let e: (Error & { code?: string }) | undefined = err; e; e = e.cause as typeof e)
      if (ENGINE_DOWN.includes(e.code ?? ''))
        return `The Docker engine is unavailable (${e.message}); the container could not be started`;
    if (err.statusCode === 404 && /image/i.test(err.message))
      return `The script's image is not available on the Docker engine: ${err.message}`;
    return `The container could not be started: ${err.message}`;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.warm.close();
    await Promise.all([...this.live].map((session) => session.kill()));
  }
}
