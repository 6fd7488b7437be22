import { execFile, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { LoadSpec } from './load-client';
import { startPlatform, TestPlatform, createBuiltScript } from '../test/support/platform';
import { loadConfig, RunletConfig } from '@runlet/platform';
import { Database } from '@runlet/event-store';

/** The settings `npm start` uses when nothing is configured (the environment is not read). */
export const DEFAULTS = loadConfig({}, []);

/**
 * A platform booted in this process for measurements (its own database, so queues do not mix),
 * with the executor and webhook settings `npm start` uses unless a bench overrides them (and then
 * says so beside its figures).
 */
export async function benchPlatform(name: string, config: Partial<RunletConfig> = {}): Promise<TestPlatform> {
  return startPlatform(`bench_${name}`, {
    roles: ['api', 'builder', 'executor'],
    config: { executor: DEFAULTS.executor, webhooks: DEFAULTS.webhooks, ...config },
  });
}

export const TRIVIAL = `export default async (event, ctx) => { ctx.log.info('hi'); return { ok: true }; }`;

export function trivialScript(p: TestPlatform, name = 'trivial'): Promise<string> {
  return createBuiltScript(p, { name, code: TRIVIAL, language: 'javascript' });
}

/** Median cost of starting a bare `node -e 0`, measured now on this machine. */
export function bareNodeStartMs(runs = 20): number {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    spawnSync(process.execPath, ['-e', '0']);
    samples.push(performance.now() - t0);
  }
  return samples.sort((a, b) => a - b)[Math.floor(runs / 2)];
}

/** Runs the HTTP load from a separate client process (see load-client.ts). */
export async function loadOverHttp(
  spec: LoadSpec,
): Promise<{ latencies: number[]; seconds: number; cpuMsPerCall: number; byUrl?: Record<string, number[]> }> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [join(__dirname, 'load-client.js'), JSON.stringify(spec)],
    { maxBuffer: 64 * 1024 * 1024 },
  );
  return JSON.parse(stdout);
}

/** Every execution of the script has a terminal event and its log line stored. */
export async function recordedCounts(
  p: TestPlatform,
  scriptId: string,
): Promise<{ succeeded: number; logLines: number }> {
  const db = p.app.get(Database);
  const [ev] = await db.query(
    `SELECT count(*) AS n FROM events WHERE event_type = 'ExecutionSucceeded' AND (data->>'scriptId') = $1`,
    [scriptId],
  );
  const [logs] = await db.query(
    `SELECT count(*) AS n FROM execution_logs WHERE execution_id IN (
       SELECT data->>'executionId' FROM events WHERE event_type = 'ExecutionSucceeded' AND (data->>'scriptId') = $1)`,
    [scriptId],
  );
  return { succeeded: Number(ev.n), logLines: Number(logs.n) };
}
