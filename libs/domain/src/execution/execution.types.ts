import { DomainEvent } from '../common/aggregate';

export type ExecutionTriggerType = 'http' | 'cron' | 'manual' | 'try';
export type ExecutionStatus =
  'queued' | 'running' | 'succeeded' | 'failed' | 'timed_out' | 'cancelled' | 'skipped';
export const TERMINAL_STATUSES: ExecutionStatus[] = [
  'succeeded',
  'failed',
  'timed_out',
  'cancelled',
  'skipped',
];

export interface ExecutionTrigger {
  type: ExecutionTriggerType;
  id?: string;
  scheduledAt?: string;
  late?: boolean;
}

export interface TryLimits {
  timeoutMs: number;
  memoryMb: number;
  network: 'none' | 'egress';
  /** The secrets the try-out declared (names, never values); none when absent. */
  secrets?: string[];
}

export interface ExecutionError {
  message: string;
  stack?: string;
}

export interface ExecutionState {
  id: string;
  scriptId: string | null;
  version: number;
  trigger: ExecutionTrigger;
  input: unknown;
  status: ExecutionStatus;
  attempt: number;
  maxAttempts: number;
  result?: unknown;
  error?: ExecutionError;
  queuedAt: string;
  startedAt?: string;
  finishedAt?: string;
  durationMs?: number;
  replayOf?: string;
  /** Only for try-outs: the artifact built from the unsaved code. */
  artifactDir?: string;
  limits?: TryLimits;
  http?: Record<string, unknown>;
  cron?: { scheduledAt: string; firedAt: string };
}

export type ExecutionQueued = DomainEvent<
  'ExecutionQueued',
  {
    executionId: string;
    scriptId: string | null;
    version: number;
    trigger: ExecutionTrigger;
    input: unknown;
    maxAttempts: number;
    replayOf?: string;
    artifactDir?: string;
    /** Only for try-outs: the limits of the unsaved code. */
    limits?: TryLimits;
    /** The HTTP request of a webhook execution (passed to the script as `event.http`). */
    http?: Record<string, unknown>;
    /** The tick of a cron execution (`event.cron`). */
    cron?: { scheduledAt: string; firedAt: string };
  }
>;
/** A trigger fired; recorded as the first event of the execution it causes (see the trigger docs). */
export type ExecutionTriggerFired = DomainEvent<
  'TriggerFired',
  {
    executionId: string;
    triggerId: string;
    scriptId: string | null;
    source: 'cron' | 'http' | 'manual';
    scheduledAt?: string;
    firedAt: string;
    late?: boolean;
  }
>;
export type ExecutionStarted = DomainEvent<
  'ExecutionStarted',
  { executionId: string; scriptId: string | null; attempt: number }
>;
export type ExecutionSucceeded = DomainEvent<
  'ExecutionSucceeded',
  { executionId: string; scriptId: string | null; attempt: number; result: unknown; durationMs: number }
>;
export type ExecutionFailed = DomainEvent<
  'ExecutionFailed',
  {
    executionId: string;
    scriptId: string | null;
    attempt: number;
    error: ExecutionError;
    durationMs: number;
    willRetry: boolean;
  }
>;
export type ExecutionTimedOut = DomainEvent<
  'ExecutionTimedOut',
  { executionId: string; scriptId: string | null; attempt: number; error: ExecutionError; durationMs: number }
>;
export type ExecutionCancelled = DomainEvent<
  'ExecutionCancelled',
  { executionId: string; scriptId: string | null; attempt: number; reason: string; durationMs?: number }
>;
export type ExecutionSkipped = DomainEvent<
  'ExecutionSkipped',
  { executionId: string; scriptId: string | null; reason: string }
>;

export type ExecutionEvent =
  | ExecutionTriggerFired
  | ExecutionQueued
  | ExecutionStarted
  | ExecutionSucceeded
  | ExecutionFailed
  | ExecutionTimedOut
  | ExecutionCancelled
  | ExecutionSkipped;

export type ExecutionCommand =
  | ({
      type: 'QueueExecution';
      fired?: Omit<ExecutionTriggerFired['data'], 'executionId' | 'scriptId'>;
    } & ExecutionQueued['data'])
  | { type: 'StartExecution'; attempt: number }
  | { type: 'CompleteExecution'; attempt: number; outcome: ExecutionOutcomeInput; maxAttempts?: number }
  | { type: 'CancelExecution'; reason: string }
  | { type: 'SkipExecution'; reason: string };

export type ExecutionOutcomeInput =
  | { status: 'succeeded'; result: unknown; durationMs: number }
  | { status: 'failed'; error: ExecutionError; durationMs: number }
  | { status: 'timed_out'; error: ExecutionError; durationMs: number }
  | { status: 'cancelled'; reason: string; durationMs: number };
