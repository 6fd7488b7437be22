import { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { spawnGuarded } from '../guarded-spawn';

export interface ConsoleSettings {
  enabled: boolean;
  port: number;
}

/** `RUNLET_CONSOLE=off` turns the console off; `RUNLET_CONSOLE_PORT` (default 3000) is its port. */
export function consoleSettings(env: NodeJS.ProcessEnv): ConsoleSettings {
  const off = ['off', 'false', '0', 'no'].includes((env.RUNLET_CONSOLE ?? '').toLowerCase());
  return { enabled: !off, port: Number(env.RUNLET_CONSOLE_PORT ?? 3000) };
}

/**
 * Starts the admin console (`next start` on the built apps/web) beside the API. It gets only what
 * it needs (where the API is, its port), not the platform's environment: it holds no database,
 * Redis or platform key, and reaches the API over HTTP like any client. It stops with this process,
 * also when this process is killed (the parent guard), so no next-server is left holding its port.
 */
export function startConsole(
  settings: ConsoleSettings,
  api: Server,
  log: (line: string) => void,
): ChildProcess | undefined {
  const apiPort = (api.address() as AddressInfo).port;
  let webDir: string;
  try {
    webDir = dirname(require.resolve('@runlet/web/package.json'));
  } catch {
    log('console not started: apps/web is not installed');
    return undefined;
  }
  if (!existsSync(join(webDir, '.next', 'BUILD_ID'))) {
    log('console not started: apps/web is not built (npm run build builds it)');
    return undefined;
  }
  const nextBin = require.resolve('next/dist/bin/next', { paths: [webDir] });
  const child = spawnGuarded(process.execPath, [nextBin, 'start', '-p', String(settings.port)], {
    stopSignal: 'SIGTERM',
    cwd: webDir,
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: process.env.HOME ?? webDir,
      NODE_ENV: 'production',
      NEXT_TELEMETRY_DISABLED: '1',
      RUNLET_API_URL: `http://127.0.0.1:${apiPort}`,
    },
    output: 'inherit',
  });
  const stop = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  };
  // Stopped when the API stops (a signal closes the app, and a process ended by a signal emits no
  // 'exit'), and on any other exit.
  api.once('close', stop);
  process.once('exit', stop);
  child.once('exit', (code, signal) => {
    process.removeListener('exit', stop);
    api.removeListener('close', stop);
    // next-server ends a SIGTERM with exit code 143 (128 + 15): a stop, not a failure.
    if (code !== 0 && code !== 143 && signal !== 'SIGTERM') log(`console exited (${signal ?? code})`);
  });
  return child;
}
