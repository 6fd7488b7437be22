import type { LogLine } from '@runlet/contracts';

/** Holds log lines back until the attempt is known to be this worker's, then passes them on. */
export class LogGate {
  private held: LogLine[] | null = [];
  private dropped = false;

  constructor(private readonly sink: (line: LogLine) => void) {}

  write(line: LogLine): void {
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
