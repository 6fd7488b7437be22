import { build, stop, type BuildOptions, type BuildResult, type SameShape } from 'esbuild';
import { BuildError } from './build-error';

/** esbuild's message once its long-lived service process has died (killed, crashed, out of memory). */
const SERVICE_GONE = /The service (was stopped|is no longer running)/;

/** Bumped on every reset, so builds that failed with the same dead service reset it only once. */
let generation = 0;

/**
 * Runs `task` (esbuild calls), surviving the death of esbuild's service process: esbuild never
 * restarts it by itself, so without this every later build of this process would fail. The service
 * is reset (`onReset` drops what belonged to the dead one) and the task tried once more; a second
 * death fails this build with a message saying so.
 */
export async function withEsbuildService<T>(task: () => Promise<T>, onReset?: () => void): Promise<T> {
  const started = generation;
  try {
    return await task();
  } catch (err) {
    if (!isServiceGone(err)) throw err;
    if (started === generation) await reset(onReset);
    try {
      return await task();
    } catch (again) {
      if (!isServiceGone(again)) throw again;
      await reset(onReset);
      throw new BuildError(`esbuild stopped unexpectedly: ${(again as Error).message}`);
    }
  }
}

/** esbuild's `build` under withEsbuildService. */
export function esbuild<T extends BuildOptions>(
  options: SameShape<BuildOptions, T>,
): Promise<BuildResult<T>> {
  return withEsbuildService(() => build(options));
}

async function reset(onReset?: () => void): Promise<void> {
  generation++;
  onReset?.();
  await stop();
}

export function isServiceGone(err: unknown): boolean {
  return err instanceof Error && SERVICE_GONE.test(err.message);
}
