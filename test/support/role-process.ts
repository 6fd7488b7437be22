import { ChildProcess, execSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { AddressInfo, createServer } from 'node:net';
import { basename, join } from 'node:path';
import { Role, RunletConfig } from '@runlet/platform';
import { TestPlatform } from './platform';

// The repository's root, whether this file runs from test/support (jest) or dist/test/support (bench).
const ROOT = join(__dirname, '..', '..', ...(basename(join(__dirname, '..', '..')) === 'dist' ? ['..'] : []));
const MAIN = join(ROOT, 'dist', 'apps', 'runlet', 'src', 'main.js');

/** Builds dist/ if a test needs separate platform processes and it is missing. */
export function ensureBuilt(): void {
  if (!existsSync(MAIN)) execSync('npm run build', { stdio: 'inherit' });
}

/** A separate platform process (the built entry point) running `roles` on `p`'s database and Redis. */
export function startRoleProcess(
  p: Pick<TestPlatform, 'config'>,
  roles: Role[],
  env: Record<string, string> = {},
): ChildProcess {
  return spawn(process.execPath, [MAIN, '--roles', roles.join(',')], {
    env: {
      ...process.env,
      DATABASE_URL: p.config.databaseUrl,
      REDIS_URL: p.config.redisUrl,
      RUNLET_DATA_DIR: p.config.dataDir,
      ...env,
    },
    stdio: 'ignore',
  });
}

/** The settings of a test platform's executor, as the environment a role process reads. */
export function executorEnv(config: RunletConfig): Record<string, string> {
  return {
    RUNLET_EXECUTOR_CONCURRENCY: String(config.executor.concurrency),
    RUNLET_EXECUTOR_LOCK_MS: String(config.executor.lockDurationMs),
    RUNLET_POOL_SIZE: String(config.executor.poolSize),
    RUNLET_POOL_IDLE_MS: String(config.executor.poolIdleMs),
    ...(config.executor.poolMemoryMb !== undefined
      ? { RUNLET_POOL_MEMORY_MB: String(config.executor.poolMemoryMb) }
      : {}),
    RUNLET_POOL_REUSE: String(config.executor.reuseInstances),
  };
}

/** Stops role processes as Kubernetes would (SIGTERM, then SIGKILL after 10 s) and waits for them. */
export async function stopRoleProcesses(children: ChildProcess[]): Promise<void> {
  await Promise.all(
    children.map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once('exit', () => resolve());
          child.kill('SIGTERM');
          setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
        }),
    ),
  );
}

export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
