import type Docker from 'dockerode';
import { PassThrough, type Duplex } from 'node:stream';
import { ContainerFrames, type EntryResult } from '../container-frames';
import type { LogSink } from '../log-sink';
import type { RunRequest } from '../sandbox-instance';

export type SessionResult = EntryResult;

/**
 * One started container serving one execution over its attached stdio (container-entry.mjs):
 * the run request goes to stdin, harness frames come back on stdout.
 */
export class ContainerSession {
  private readonly frames: ContainerFrames;
  private resolveResult!: (result: SessionResult) => void;
  /** Settles with the run's result, or with why the container ended without one. */
  readonly result = new Promise<SessionResult>((resolve) => (this.resolveResult = resolve));
  private settled = false;
  private wrapperErrors = '';

  private constructor(
    readonly container: Docker.Container,
    private readonly stream: Duplex,
    memoryMb: number,
    private readonly engineAlive: () => Promise<boolean>,
  ) {
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    container.modem.demuxStream(stream, stdout, stderr);
    this.frames = new ContainerFrames(memoryMb, (result) => this.settle(result));
    stdout.setEncoding('utf8');
    stdout.on('data', (chunk: string) => this.frames.push(chunk));
    stderr.setEncoding('utf8');
    stderr.on('data', (chunk: string) => (this.wrapperErrors = (this.wrapperErrors + chunk).slice(-2000)));
    stream.on('end', () => void this.onEnd());
    stream.on('close', () => void this.onEnd());
    stream.on('error', () => void this.onEnd());
  }

  /** Creates, attaches to (before it starts, so nothing is missed) and starts a container. */
  static async start(
    docker: Docker,
    options: Docker.ContainerCreateOptions,
    memoryMb: number,
    engineAlive: () => Promise<boolean>,
  ): Promise<ContainerSession> {
    const container = await docker.createContainer(options);
    try {
      const stream = (await container.attach({
        stream: true,
        stdin: true,
        stdout: true,
        stderr: true,
        hijack: true,
      })) as unknown as Duplex;
      const session = new ContainerSession(container, stream, memoryMb, engineAlive);
      await container.start();
      return session;
    } catch (err) {
      await container.remove({ force: true }).catch(() => undefined);
      throw err;
    }
  }

  /** Sends the run; output and the result go to `sink` and `result`. */
  run(request: RunRequest, sink: LogSink): Promise<SessionResult> {
    this.frames.sink = sink;
    this.send({ t: 'run', ...request });
    return this.result;
  }

  /** Fires ctx.signal inside (best effort: the caller kills right after). */
  abort(id: string, reason: 'timeout' | 'cancel'): void {
    this.send({ t: 'abort', id, reason });
  }

  /** Kills the container (auto-remove then deletes it); never throws. */
  async kill(): Promise<void> {
    this.settle({ kind: 'died', error: { message: 'The container was stopped' } });
    this.stream.destroy();
    await this.container.kill({ signal: 'SIGKILL' }).catch(() => undefined);
  }

  private send(message: Record<string, unknown>): void {
    if (!this.stream.destroyed) this.stream.write(JSON.stringify(message) + '\n');
  }

  private async onEnd(): Promise<void> {
    if (this.settled) return;
    const alive = await this.engineAlive();
    this.settle({
      kind: 'died',
      error: {
        message: alive
          ? `The container ended without a result${this.wrapperErrors ? `: ${this.wrapperErrors.trim().slice(-500)}` : ''}`
          : 'The Docker engine became unavailable during the execution',
      },
    });
  }

  private settle(result: SessionResult): void {
    if (this.settled) return;
    this.settled = true;
    this.resolveResult(result);
  }
}
