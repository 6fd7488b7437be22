import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

let cached: string | undefined;

/**
 * The harness ships as plain JS under libs/runtime/harness. Search upward so the same lookup works
 * from source (libs/runtime/src) and from compiled code (dist/libs/runtime/src).
 */
export function harnessPath(): string {
  if (cached) return cached;
  for (let dir = __dirname; ; dir = dirname(dir)) {
    for (const candidate of [
      join(dir, 'harness/harness.mjs'),
      join(dir, 'libs/runtime/harness/harness.mjs'),
    ]) {
      if (existsSync(candidate)) return (cached = candidate);
    }
    if (dirname(dir) === dir) throw new Error('Runlet harness (libs/runtime/harness/harness.mjs) not found');
  }
}

/** The folder holding the harness and the container entry (copied into images, mounted for try-outs). */
export function harnessDir(): string {
  return dirname(harnessPath());
}
