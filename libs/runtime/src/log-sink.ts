import type { LogLevel, LogLine, LogStream } from '@runlet/contracts';

/**
 * One execution's log: numbers lines from 1, masks secrets, and enforces the byte budget —
 * past it, one visible system line and everything else dropped.
 */
export class LogSink {
  private seq = 0;
  private bytes = 0;
  truncated = false;
  private readonly partial: Record<'stdout' | 'stderr', string> = { stdout: '', stderr: '' };

  constructor(
    private readonly maxBytes: number,
    private readonly mask: (text: string) => string,
    private readonly onLog?: (line: LogLine) => void,
  ) {}

  /** A complete message (console.*, ctx.log.*). */
  line(level: LogLevel, stream: LogStream, message: string): void {
    if (this.truncated) return;
    const size = Buffer.byteLength(message);
    if (this.bytes + size > this.maxBytes) return this.truncate();
    this.bytes += size;
    this.emit(level, stream, message);
  }

  /** Raw bytes from the process' own stdout/stderr (e.g. a child process); split into lines. */
  chunk(stream: 'stdout' | 'stderr', text: string): void {
    if (this.truncated) return;
    let buffered = this.partial[stream] + text;
    let newline: number;
    while ((newline = buffered.indexOf('\n')) >= 0) {
      this.line(stream === 'stdout' ? 'info' : 'error', stream, buffered.slice(0, newline));
      buffered = buffered.slice(newline + 1);
    }
    // An endless line must not grow without bound: past the budget it is dropped anyway.
    if (buffered.length > this.maxBytes) this.truncate();
    this.partial[stream] = this.truncated ? '' : buffered;
  }

  /** The harness already hit the budget on its side. */
  truncate(): void {
    if (this.truncated) return;
    this.truncated = true;
    this.partial.stdout = this.partial.stderr = '';
    this.emit(
      'warn',
      'system',
      `[runlet] output truncated after ${this.bytes} bytes (limit ${this.maxBytes} bytes)`,
    );
  }

  system(level: LogLevel, message: string): void {
    this.emit(level, 'system', message);
  }

  /** Emits what is left of unterminated raw lines. */
  flush(): void {
    for (const stream of ['stdout', 'stderr'] as const) {
      if (this.partial[stream]) this.chunk(stream, '\n');
    }
  }

  private emit(level: LogLevel, stream: LogStream, message: string): void {
    const line: LogLine = {
      seq: ++this.seq,
      ts: new Date().toISOString(),
      level,
      stream,
      message: this.mask(message),
    };
    this.onLog?.(line);
  }
}
