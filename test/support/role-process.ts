import { ChildProcess, execSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { AddressInfo, createServer } from 'node:net';
import { join } from 'node:path';
import { Role } from '@runlet/platform';
import { TestPlatform } from './platform';

const MAIN = join(__dirname, '..', '..', 'dist', 'apps', 'runlet', 'src', 'main.js');

/** Builds dist/ if a test needs separate platform processes and it is missing. */
export function ensureBuilt(): void {
  if (!existsSync(MAIN)) execSync('npm run build', { stdio: 'inherit' });
}

/** A separate platform process (the built entry point) running `roles` on `p`'s database and Redis. */
export function startRoleProcess(
  p: TestPlatform,
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

export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
