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
export { DockerRuntime, DEFAULT_BASE_IMAGE, type DockerRuntimeOptions } from './docker/docker-runtime';
export { harnessDir } from './harness-path';
export { KubernetesRuntime, type KubernetesRuntimeOptions } from './kubernetes/kubernetes-runtime';
