import { INestApplication } from '@nestjs/common';
import { ChildProcess } from 'node:child_process';
import Redis from 'ioredis';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPlatform } from '../../apps/runlet/src/bootstrap';
import { loadLogsConfig } from '@runlet/logs';
import { loadRuntimeConfig, Role, RunletConfig, ROLES } from '@runlet/platform';
import { recreateTestDatabase, REDIS_URL, testDatabaseName } from './database';
import { ensureBuilt, executorEnv, startRoleProcess, stopRoleProcesses } from './role-process';

export interface TestPlatform {
  app: INestApplication;
  url: string;
  adminKey: string;
  config: RunletConfig;
  /** fetch against the platform with the admin key and JSON. */
  api(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<ApiResponse>;
  close(): Promise<void>;
}

export interface ApiResponse {
  status: number;
  body: any;
  headers: Headers;
}

/** Drops the Redis keys (queues, job schedulers) a previous run left for this test database. */
async function clearQueues(database: string): Promise<void> {
  const redis = new Redis(REDIS_URL);
  try {
    for (const pattern of [`runlet:${database}:*`]) {
      const keys: string[] = [];
      for await (const batch of redis.scanStream({ match: pattern, count: 1000 }))
        keys.push(...(batch as string[]));
      for (let i = 0; i < keys.length; i += 500) await redis.del(...keys.slice(i, i + 500));
    }
  } finally {
    redis.disconnect();
  }
}

/**
 * With RUNLET_TEST_SPLIT_ROLES=1, a platform with the api and other roles runs each role in a
 * process of its own, as Kubernetes runs them: the api here, the builder, executor and scheduler
 * (those asked for) each in its own process from dist/. `npm run test:split-roles` runs the
 * execution e2e tests that way.
 */
const SPLIT_ROLES = process.env.RUNLET_TEST_SPLIT_ROLES === '1';

/** Boots the whole platform in this process on a random port against its own test database. */
export async function startPlatform(
  name: string,
  opts: { roles?: Role[]; fresh?: boolean; config?: Partial<RunletConfig> } = {},
): Promise<TestPlatform> {
  const databaseUrl = opts.fresh === false ? undefined : await recreateTestDatabase(name);
  if (databaseUrl) await clearQueues(testDatabaseName(name));
  const adminKey = `test-admin-key-${name}`;
  const config: RunletConfig = {
    port: 0,
    databaseUrl: databaseUrl ?? '',
    databaseType: 'postgres',
    redisUrl: REDIS_URL,
    adminKey,
    dataDir: mkdtempSync(join(tmpdir(), `runlet-${name}-`)),
    roles: opts.roles ?? [...ROLES],
    publicUrl: '',
    webhooks: { bodyLimitBytes: 1024 * 1024, ratePerSecond: 1000, syncWaitMs: 30_000 },
    executor: {
      concurrency: 8,
      lockDurationMs: 2000,
      poolSize: 1,
      poolIdleMs: 60_000,
      reuseInstances: true,
      allowInsecureSandbox: false,
    },
    secrets: { providers: ['builtin'] },
    logs: loadLogsConfig({}),
    // RUNLET_RUNTIME=docker (npm run test:docker) runs the same tests in containers.
    runtime: loadRuntimeConfig(process.env),
    ...opts.config,
  };
  const roles = config.roles;
  const elsewhere = SPLIT_ROLES && roles.includes('api') ? roles.filter((r) => r !== 'api') : [];
  const workers: ChildProcess[] = [];
  if (elsewhere.length) {
    ensureBuilt();
    config.roles = ['api'];
  }
  const app = await createPlatform(config, ['error']);
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address();
  const url = `http://127.0.0.1:${address.port}`;
  config.publicUrl = url;
  for (const role of elsewhere) workers.push(startRoleProcess({ config }, [role], executorEnv(config)));
  config.roles = roles;
  const api = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(url + path, {
      method,
      headers: {
        authorization: `Bearer ${adminKey}`,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    let parsed: any = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      /* not JSON */
    }
    return { status: res.status, body: parsed, headers: res.headers };
  };
  const close = async () => {
    await stopRoleProcesses(workers);
    await app.close();
  };
  return { app, url, adminKey, config, api, close };
}

/** Polls the script until `version` is deployed (its build succeeded) or its build failed. */
export async function waitForBuild(p: TestPlatform, scriptId: string, version: number, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { body } = await p.api('GET', `/api/v1/scripts/${scriptId}`);
    const build = body.build?.version === version ? body.build.status : undefined;
    // A successful build deploys its version in a following command: wait for that too.
    if (build === 'failed' || (build === 'succeeded' && body.deployedVersion >= version)) return body;
    if (Date.now() > deadline)
      throw new Error(`build of ${scriptId} v${version} did not finish: ${JSON.stringify(body.build)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Creates a script and waits for its first build; returns its id. */
export async function createBuiltScript(p: TestPlatform, script: Record<string, unknown>): Promise<string> {
  const created = await p.api('POST', '/api/v1/scripts', script);
  if (created.status !== 201) throw new Error(`create failed: ${JSON.stringify(created.body)}`);
  const built = await waitForBuild(p, created.body.id, 1);
  if (built.build.status !== 'succeeded') throw new Error(`build failed: ${JSON.stringify(built.build)}`);
  return created.body.id;
}
