import type { PendingLine } from './log-sql';

/**
 * Somewhere stored log lines are copied to (CloudWatch). `add` must not block or throw: the
 * database is the record, an export is best effort within its documented bounds.
 */
export interface LogExport {
  add(lines: PendingLine[]): void;
  /** Sends what it can of what is buffered, within its own deadline. */
  close(): Promise<void>;
}
