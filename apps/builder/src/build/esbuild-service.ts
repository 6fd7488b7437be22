import { build, stop, type BuildOptions, type BuildResult, type SameShape } from 'esbuild';
import { BuildError } from './build-error';

/** esbuild's message once its long-lived service process has died (killed, crashed, out of memory). */
const SERVICE_GONE = /The service (was stopped|is no longer running)/;

/**
 * esbuild's `build`, surviving the death of esbuild's service process: esbuild never restarts it by
 * itself, so without this every later build of this process would fail. The service is reset and
 * the build tried once more; a second death fails this build with a message saying so.
 */
export async function esbuild<T extends BuildOptions>(
  options: SameShape<BuildOptions, T>,
): Promise<BuildResult<T>> {
  try {
    return await build(options);
  } catch (err) {
    if (!isServiceGone(err)) throw err;
    await stop();
    try {
      return await build(options);
    } catch (again) {
      if (!isServiceGone(again)) throw again;
      await stop();
      throw new BuildError(`esbuild stopped unexpectedly: ${(again as Error).message}`);
    }
  }
}

function isServiceGone(err: unknown): boolean {
  return err instanceof Error && SERVICE_GONE.test(err.message);
}
