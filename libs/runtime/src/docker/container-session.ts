import type Docker from 'dockerode';
import { PassThrough, type Duplex } from 'node:stream';
import { FrameReader } from '../frame-reader';
import type { LogSink } from '../log-sink';

const MAX_FRAME_BYTES = 16 * 1024 * 1024;

export type SessionResult =
  | { kind: 'result'; ok: boolean; value?: unknown; error?: { message: string; stack?: string } }
  | { kind: 'died'; error: { message: string } };

/**
 * One started container serving one execution over its attached stdio (container-entry.mjs):
 * the run request goes to stdin, harness frames come back on stdout.
 */
export class ContainerSession {
  private sink?: LogSink;
  private resolveResult!: (result: SessionResult) => void;
  /** Settles with the run's result, or with why the container ended without one. */
  readonly result = new Promise<SessionResult>((resolve) => (this.resolveResult = resolve));
  private settled = false;
  private stderrTail = '';
  private wrapperErrors = '';

  private constructor(
    readonly container: Docker.Container,
    private readonly stream: Duplex,
    private readonly memoryMb: number,
    private readonly engineAlive: () => Promise<boolean>,
  ) {
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    container.modem.demuxStream(stream, stdout, stderr);
    const reader = new FrameReader(
      MAX_FRAME_BYTES,
      (message) => this.onFrame(message),
      () => this.settle({ kind: 'died', error: { message: 'The script sent a message larger than 16 MiB (result too large?)' } }),
    );
    stdout.setEncoding('utf8');
    stdout.on('data', (chunk: string) => reader.push(chunk));
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
  run(request: Record<string, unknown>, sink: LogSink): Promise<SessionResult> {
    this.sink = sink;
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

  private onFrame(message: Record<string, unknown>): void {
    const sink = this.sink;
    if (message.t === 'raw' && typeof message.text === 'string') {
      if (message.stream === 'stderr') this.stderrTail = (this.stderrTail + message.text).slice(-4000);
      sink?.chunk(message.stream === 'stderr' ? 'stderr' : 'stdout', message.text);
    } else if (message.t === 'log') {
      if (message.truncated) sink?.truncate();
      else sink?.line(message.level as never, message.stream as never, String(message.text));
    } else if (message.t === 'result') {
      this.settle({
        kind: 'result',
        ok: message.ok === true,
        value: message.value,
        error: message.error as { message: string; stack?: string } | undefined,
      });
    } else if (message.t === 'exit') {
      const memory = message.oom === true || /heap out of memory/i.test(this.stderrTail);
      this.settle({
        kind: 'died',
        error: {
          message: memory
            ? `memory limit of ${this.memoryMb} MB exceeded`
            : `The script's process exited unexpectedly (exit code ${message.code ?? message.signal})`,
        },
      });
    }
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
