import type { LogLine } from '@runlet/contracts';

/** Holds log lines back until the attempt is known to be this worker's, then passes them on. */
export class LogGate {
  private held: LogLine[] | null = [];
  private dropped = false;
  /** The greatest seq written so far (-1: none), so a line added later comes after them all. */
  lastSeq = -1;

  constructor(private readonly sink: (line: LogLine) => void) {}

  write(line: LogLine): void {
    if (line.seq > this.lastSeq) this.lastSeq = line.seq;
    if (this.dropped) return;
    if (this.held) this.held.push(line);
    else this.sink(line);
  }

  open(): void {
    const held = this.held ?? [];
    this.held = null;
    for (const line of held) this.sink(line);
  }

  /** The held lines, for the caller to store itself; later lines are dropped. */
  take(): LogLine[] {
    const held = this.held ?? [];
    this.drop();
    return held;
  }

  drop(): void {
    this.dropped = true;
    this.held = null;
  }
}
