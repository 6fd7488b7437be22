import { LogStore } from '@runlet/logs';

/** Lines per attempt; each attempt writes its own seq range so a retry never collides with (and loses to) the last one. */
const LINES_PER_ATTEMPT = 100_000;
const EXCERPT_LINES = 40;
const EXCERPT_CHARS = 8_000;

export const buildLogId = (buildId: string) => `build-${buildId}`;

/** One build attempt's log, stored in the log store under `build-<buildId>`. */
export class BuildLog {
  private seq: number;
  private readonly limit: number;
  private readonly id: string;

  constructor(
    private readonly logs: LogStore,
    buildId: string,
    attempt: number,
  ) {
    this.id = buildLogId(buildId);
    this.seq = Math.max(0, attempt - 1) * LINES_PER_ATTEMPT;
    this.limit = this.seq + LINES_PER_ATTEMPT - 1;
  }

  readonly line = (message: string, level: 'info' | 'warn' | 'error' = 'info'): void => {
    if (this.seq > this.limit) return;
    const text = this.seq === this.limit ? '(build log truncated)' : message;
    try {
      this.logs.write(this.id, {
        seq: this.seq++,
        ts: new Date().toISOString(),
        level,
        stream: 'system',
        message: text,
      });
    } catch {
      // A line the store refuses must not fail the build.
    }
  };

  /** Stores what is buffered and closes live tails of the build log. */
  async close(): Promise<void> {
    await this.logs.flush(this.id).catch(() => undefined);
    this.logs.end(this.id);
  }
}

/** The tail of a build log, small enough to live in a BuildFailed event. */
export function logExcerpt(log: string): string {
  const tail = log.split('\n').slice(-EXCERPT_LINES).join('\n');
  return tail.length > EXCERPT_CHARS ? tail.slice(-EXCERPT_CHARS) : tail;
}
