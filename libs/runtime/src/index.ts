export type {
  ExecutionOutcome,
  ExecutionRequest,
  ExecutionStatus,
  NetworkPolicy,
  ProcessRuntimeOptions,
  Runtime,
  SandboxCommands,
  SandboxLimits,
} from './types';
export { ProcessRuntime } from './process-runtime';
export type { WarmPoolStats, VersionPoolStats, EvictionReason } from './warm-pool';
export { checkSandboxAvailable } from './sandbox-check';
export * from './build-sandbox';
