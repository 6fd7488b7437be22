import Docker from 'dockerode';
import { mkdtempSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import type { V1Job, V1NetworkPolicy, V1Pod, V1Secret } from '@kubernetes/client-node';

export type PodBehaviour = 'run' | 'unschedulable' | 'image-pull-backoff';

interface StandInPod {
  pod: V1Pod;
  log: string;
  ended: boolean;
  listeners: Set<ServerResponse>;
  container?: Docker.Container;
  requestDir?: string;
}

/**
 * A stand-in for the Kubernetes API server, for tests: the real @kubernetes/client-node talks to
 * it over HTTP. It records what is created and deleted (Jobs, Secrets, NetworkPolicies) and plays
 * the kubelet for a Job: `run` starts the Job's container on the real Docker engine (its Secret
 * volume bind-mounted) and serves its stdout as the pod's log stream; `unschedulable` and
 * `image-pull-backoff` report the pod statuses a cluster reports.
 */
export class KubernetesApiStandIn {
  readonly jobs: V1Job[] = [];
  readonly secrets: V1Secret[] = [];
  readonly networkPolicies: V1NetworkPolicy[] = [];
  readonly deleted: string[] = [];
  behaviour: PodBehaviour = 'run';
  private readonly pods = new Map<string, StandInPod>();
  private readonly docker = new Docker();
  private server?: Server;

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((err) => {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ kind: 'Status', status: 'Failure', message: String(err) }));
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    for (const pod of this.pods.values()) {
      await pod.container?.kill().catch(() => undefined);
      if (pod.requestDir) rmSync(pod.requestDir, { recursive: true, force: true });
    }
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url!, 'http://stand-in');
    const path = url.pathname;
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const body = async () => {
      let text = '';
      for await (const chunk of req) text += chunk;
      return JSON.parse(text);
    };
    let m: RegExpMatchArray | null;
    if (req.method === 'POST' && /^\/api\/v1\/namespaces\/[^/]+\/secrets$/.test(path)) {
      const secret = (await body()) as V1Secret;
      this.secrets.push(secret);
      return send(201, secret);
    }
    if (
      req.method === 'POST' &&
      /^\/apis\/networking\.k8s\.io\/v1\/namespaces\/[^/]+\/networkpolicies$/.test(path)
    ) {
      const policy = (await body()) as V1NetworkPolicy;
      this.networkPolicies.push(policy);
      return send(201, policy);
    }
    if (req.method === 'POST' && (m = path.match(/^\/apis\/batch\/v1\/namespaces\/([^/]+)\/jobs$/))) {
      const job = (await body()) as V1Job;
      this.jobs.push(job);
      await this.schedule(m[1], job);
      return send(201, job);
    }
    if (req.method === 'GET' && /^\/api\/v1\/namespaces\/[^/]+\/pods$/.test(path)) {
      const jobName = (url.searchParams.get('labelSelector') ?? '').replace(/^job-name=/, '');
      const items = [...this.pods.values()]
        .map((p) => p.pod)
        .filter((p) => p.metadata?.labels?.['job-name'] === jobName);
      return send(200, { kind: 'PodList', apiVersion: 'v1', metadata: {}, items });
    }
    if (req.method === 'GET' && (m = path.match(/^\/api\/v1\/namespaces\/[^/]+\/pods\/([^/]+)\/log$/))) {
      const pod = this.pods.get(m[1]);
      if (!pod) return send(404, { kind: 'Status', status: 'Failure', reason: 'NotFound' });
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write(pod.log);
      if (pod.ended || url.searchParams.get('follow') !== 'true') return void res.end();
      pod.listeners.add(res);
      res.on('close', () => pod.listeners.delete(res));
      return;
    }
    if (req.method === 'GET' && (m = path.match(/^\/api\/v1\/namespaces\/[^/]+\/pods\/([^/]+)$/))) {
      const pod = this.pods.get(m[1]);
      return pod ? send(200, pod.pod) : send(404, { kind: 'Status', status: 'Failure', reason: 'NotFound' });
    }
    if (
      req.method === 'DELETE' &&
      (m = path.match(/^\/apis?\/(?:[^/]+\/)*namespaces\/[^/]+\/(jobs|secrets|networkpolicies)\/([^/]+)$/))
    ) {
      this.deleted.push(`${m[1]}/${m[2]}`);
      if (m[1] === 'jobs')
        for (const pod of this.pods.values())
          if (pod.pod.metadata?.labels?.['job-name'] === m[2])
            await pod.container?.kill().catch(() => undefined);
      return send(200, { kind: 'Status', status: 'Success' });
    }
    send(404, { kind: 'Status', status: 'Failure', reason: 'NotFound', message: `${req.method} ${path}` });
  }

  /** The kubelet's part: a pod for the Job, then whatever `behaviour` says. */
  private async schedule(namespace: string, job: V1Job): Promise<void> {
    const jobName = job.metadata!.name!;
    const spec = job.spec!.template.spec!;
    const name = `${jobName}-x1`;
    const pod: V1Pod = {
      metadata: { name, namespace, labels: { ...job.spec!.template.metadata?.labels, 'job-name': jobName } },
      spec,
      status: { phase: 'Pending', conditions: [], containerStatuses: [] },
    };
    const entry: StandInPod = { pod, log: '', ended: false, listeners: new Set() };
    this.pods.set(name, entry);
    const container = spec.containers[0];
    if (this.behaviour === 'unschedulable') {
      pod.status!.conditions = [
        {
          type: 'PodScheduled',
          status: 'False',
          reason: 'Unschedulable',
          message: '0/3 nodes are available: 3 Insufficient memory.',
        },
      ];
      return;
    }
    pod.status!.conditions = [{ type: 'PodScheduled', status: 'True' }];
    if (this.behaviour === 'image-pull-backoff') {
      pod.status!.containerStatuses = [
        {
          name: container.name,
          image: container.image!,
          imageID: '',
          ready: false,
          restartCount: 0,
          state: {
            waiting: { reason: 'ImagePullBackOff', message: `Back-off pulling image "${container.image}"` },
          },
        },
      ];
      return;
    }
    // The Secret volume: its files in a directory mounted where the pod mounts the volume.
    const volume = spec.volumes!.find((v) => v.secret)!;
    const secret = this.secrets.find((s) => s.metadata?.name === volume.secret!.secretName)!;
    const mount = container.volumeMounts!.find((v) => v.name === volume.name)!;
    entry.requestDir = mkdtempSync(join(tmpdir(), 'k8s-stand-in-'));
    chmodSync(entry.requestDir, 0o755);
    for (const [file, text] of Object.entries(secret.stringData ?? {})) {
      writeFileSync(join(entry.requestDir, file), text);
      chmodSync(join(entry.requestDir, file), 0o444);
    }
    const user = spec.securityContext!;
    const created = await this.docker.createContainer({
      Image: container.image,
      Entrypoint: [],
      Cmd: container.command,
      User: `${user.runAsUser}:${user.runAsGroup}`,
      Env: (container.env ?? []).map((e) => `${e.name}=${e.value}`),
      WorkingDir: container.workingDir,
      AttachStdout: true,
      AttachStderr: true,
      HostConfig: {
        AutoRemove: true,
        Init: true,
        ReadonlyRootfs: container.securityContext?.readOnlyRootFilesystem === true,
        CapDrop: ['ALL'],
        SecurityOpt: ['no-new-privileges'],
        NetworkMode: 'none',
        Tmpfs: { '/tmp': 'rw,size=64m,mode=1777' },
        Binds: [`${entry.requestDir}:${mount.mountPath}:ro`],
      },
    });
    entry.container = created;
    const stream = await created.attach({ stream: true, stdout: true, stderr: true });
    const stdout = new PassThrough();
    created.modem.demuxStream(stream, stdout, new PassThrough());
    stdout.on('data', (chunk: Buffer) => {
      entry.log += chunk.toString('utf8');
      for (const res of entry.listeners) res.write(chunk);
    });
    const finish = () => {
      if (entry.ended) return;
      entry.ended = true;
      pod.status!.phase = 'Succeeded';
      pod.status!.containerStatuses = [
        {
          name: container.name,
          image: container.image!,
          imageID: '',
          ready: false,
          restartCount: 0,
          state: { terminated: { exitCode: 0, reason: 'Completed' } },
        },
      ];
      for (const res of entry.listeners) res.end();
    };
    stream.on('end', finish);
    stream.on('close', finish);
    await created.start();
    pod.status!.phase = 'Running';
    pod.status!.containerStatuses = [
      {
        name: container.name,
        image: container.image!,
        imageID: '',
        ready: true,
        restartCount: 0,
        state: { running: { startedAt: new Date() } },
      },
    ];
  }
}
