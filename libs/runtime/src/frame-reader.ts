/**
 * Splits a byte stream into newline-delimited JSON messages. A frame over `maxFrameBytes` is a
 * protocol violation (the sandbox is untrusted): `onOversize` fires and the rest is ignored.
 */
export class FrameReader {
  private buffer = '';
  private broken = false;

  constructor(
    private readonly maxFrameBytes: number,
    private readonly onMessage: (message: Record<string, unknown>) => void,
    private readonly onOversize: () => void,
  ) {}

  push(chunk: string): void {
    if (this.broken) return;
    let start = 0;
    let newline: number;
    let data = this.buffer + chunk;
    while ((newline = data.indexOf('\n', start)) >= 0) {
      const frame = data.slice(start, newline);
      start = newline + 1;
      let message: unknown;
      try {
        message = JSON.parse(frame);
      } catch {
        continue; // Garbage written to fd 3 by the script itself is ignored.
      }
      if (message && typeof message === 'object') this.onMessage(message as Record<string, unknown>);
    }
    data = data.slice(start);
    if (data.length > this.maxFrameBytes) {
      this.broken = true;
      this.buffer = '';
      this.onOversize();
      return;
    }
    this.buffer = data;
  }
}
