import type { LogLine } from '@runlet/contracts';
import type { ExecutionRequest } from './types';

let counter = 0;

/** A run request with test defaults; `logs` collects what onLog receives. */
export function request(
  artifactDir: string,
  overrides: Partial<ExecutionRequest> = {},
): ExecutionRequest & { logs: LogLine[] } {
  const logs: LogLine[] = [];
  return {
    executionId: `exec-${++counter}`,
    scriptId: 'script-1',
    version: 1,
    artifactDir,
    event: {},
    secrets: {},
    timeoutMs: 10000,
    memoryMb: 128,
    network: 'none',
    onLog: (line) => logs.push(line),
    ...overrides,
    logs,
  };
}
