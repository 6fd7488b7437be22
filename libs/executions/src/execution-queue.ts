import { createHash } from 'node:crypto';
import { ExecutionState } from '@runlet/domain';

export const EXECUTIONS_QUEUE = 'executions';
/** Redis channel on which executors announce finished executions (payload: `<announcer id>|<execution view JSON>`). */
export const EXECUTION_DONE_CHANNEL = 'runlet:executions:done';
/** Redis channel on which the API asks executors to cancel a running execution. */
export const EXECUTION_CANCEL_CHANNEL = 'runlet:executions:cancel';

export interface ExecutionJobData {
  executionId: string;
  /**
   * The execution as it was queued (its state and stream version), so the first delivery can
   * start it without reading the stream. Left out for large inputs; the stream stays the truth.
   */
  queued?: { state: ExecutionState; version: number };
}

/** Queued snapshots above this size are not copied into the job (the worker reads the stream). */
export const MAX_SNAPSHOT_BYTES = 16 * 1024;

/** A UUID derived from an event id, so a redelivered event maps to the same execution/job. */
export function uuidFrom(seed: string): string {
  const h = createHash('sha256').update(seed).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
