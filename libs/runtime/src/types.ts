import type { LogLine } from '@runlet/contracts';

export interface ExecutionRequest {
  executionId: string;
  scriptId: string;
  version: number;
  artifactDir: string;
  /** Passed to the script as `event`. */
  event: unknown;
  /** Exposed as ctx.secrets; masked in logs, result and error. */
  secrets: Record<string, string>;
  timeoutMs: number;
  memoryMb: number;
  network: NetworkPolicy;
  /** Called for each line, in order, seq starting at 1. */
  onLog?: (line: LogLine) => void;
  /** Abort = cancel. */
  signal?: AbortSignal;
}

export type NetworkPolicy = 'none' | 'egress';
export type ExecutionStatus = 'succeeded' | 'failed' | 'timed_out' | 'cancelled';

export interface ExecutionOutcome {
  status: ExecutionStatus;
  result?: unknown;
  error?: { message: string; stack?: string };
  startedAt: Date;
  finishedAt: Date;
  durationMs: number;
  logsTruncated: boolean;
}

/** The limits a sandbox is started with; a warm instance only serves runs asking for the same. */
export interface SandboxLimits {
  memoryMb: number;
  network: NetworkPolicy;
}

export interface Runtime {
  readonly name: string;
  run(req: ExecutionRequest): Promise<ExecutionOutcome>;
  /** Start warm sandboxes for a deployed version ahead of its executions. */
  prewarm(artifactDir: string, scriptId: string, version: number, limits?: Partial<SandboxLimits>): void;
  close(): Promise<void>;
}

/** The programs a sandbox is built with: paths, or names looked up on PATH. */
export interface SandboxCommands {
  bwrap: string;
  slirp4netns: string;
  nsenter: string;
  unshare: string;
}

export interface ProcessRuntimeOptions {
  /**
   * Warm instances each prewarmed (scriptId, version) keeps however long it is idle, default 2;
   * 0 = no pool (a fresh sandbox per run). Under load a version's pool grows beyond it.
   */
  poolSize?: number;
  /** Sandboxes at once, warm or busy, across all versions (the executor's concurrency), default 16. */
  maxSandboxes?: number;
  /** Sandboxes that may boot at once to grow pools (default: the machine's cores). */
  maxBooting?: number;
  /** What warm sandboxes may hold together, each counted at its memory limit; default half the machine's memory. */
  poolMemoryMb?: number;
  /** A warm instance beyond `poolSize` idle this long is stopped, default 60000. */
  idleMs?: number;
  /** An instance may serve further executions of the same version (one at a time); default true. */
  reuse?: boolean;
  /** Per execution, default 1 MiB; then one visible system line and the rest dropped. */
  maxLogBytes?: number;
  /** Run without bwrap when it is unusable (never by default). */
  allowInsecure?: boolean;
  /** Default process.execPath. */
  nodePath?: string;
  /** Max tasks (processes + threads) per sandbox when a pids cgroup is usable; default 256. */
  maxPids?: number;
  /** Where bwrap, slirp4netns, nsenter and unshare are; default: their names, looked up on PATH. */
  commands?: Partial<SandboxCommands>;
}
