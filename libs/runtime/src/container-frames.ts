import { FrameReader } from './frame-reader';
import type { LogSink } from './log-sink';

const MAX_FRAME_BYTES = 16 * 1024 * 1024;

export type EntryResult =
  | { kind: 'result'; ok: boolean; value?: unknown; error?: { message: string; stack?: string } }
  | { kind: 'died'; error: { message: string } };

/**
 * Reads what container-entry.mjs writes on a container's stdout (the harness frames, plus its own
 * `raw` and `exit` frames): output goes to the sink, the first result or death to `onEnd`.
 */
export class ContainerFrames {
  private readonly reader: FrameReader;
  private stderrTail = '';
  sink?: LogSink;

  constructor(
    private readonly memoryMb: number,
    private readonly onEnd: (result: EntryResult) => void,
  ) {
    this.reader = new FrameReader(
      MAX_FRAME_BYTES,
      (message) => this.onFrame(message),
      () =>
        onEnd({
          kind: 'died',
          error: { message: 'The script sent a message larger than 16 MiB (result too large?)' },
        }),
    );
  }

  push(chunk: string): void {
    this.reader.push(chunk);
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
      this.onEnd({
        kind: 'result',
        ok: message.ok === true,
        value: message.value,
        error: message.error as { message: string; stack?: string } | undefined,
      });
    } else if (message.t === 'exit') {
      const memory = message.oom === true || /heap out of memory/i.test(this.stderrTail);
      this.onEnd({
        kind: 'died',
        error: {
          message: memory
            ? `memory limit of ${this.memoryMb} MB exceeded`
            : `The script's process exited unexpectedly (exit code ${message.code ?? message.signal})`,
        },
      });
    }
  }
}
