import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * The heap used by this process (the platform runs in it) after a full garbage collection, in
 * bytes. `gc` is taken from a fresh context once `--expose-gc` is set at run time, so jest
 * needs no flag.
 */
export function heapAfterGc(): number {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}
