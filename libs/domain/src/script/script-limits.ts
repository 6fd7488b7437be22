import { ScriptSpec } from './script.types';

export const MAX_CODE_BYTES = 1024 * 1024;
export const MAX_NAME_LENGTH = 100;
export const TIMEOUT_MS = { min: 100, max: 15 * 60_000, default: 30_000 };
export const MAX_ATTEMPTS = 10;
export const MEMORY_MB = { min: 32, max: 4096, default: 256 };

export const DEFAULT_SPEC: Omit<ScriptSpec, 'code'> = {
  language: 'typescript',
  dependencies: {},
  secrets: [],
  timeoutMs: TIMEOUT_MS.default,
  memoryMb: MEMORY_MB.default,
  network: 'egress',
  maxAttempts: 1,
  notifyUrl: null,
};
