import { INestApplication } from '@nestjs/common';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPlatform } from '../../apps/api/src/bootstrap';
import { Role, RunletConfig, ROLES } from '../../apps/api/src/platform/config';
import { recreateTestDatabase, REDIS_URL } from './database';

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

/** Boots the whole platform in this process on a random port against `runlet_<name>_test`. */
export async function startPlatform(
  name: string,
  opts: { roles?: Role[]; fresh?: boolean; config?: Partial<RunletConfig> } = {},
): Promise<TestPlatform> {
  const databaseUrl = opts.fresh === false ? undefined : await recreateTestDatabase(name);
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
    executor: { concurrency: 8, lockDurationMs: 2000, poolSize: 1, reuseInstances: true, allowInsecureSandbox: false },
    ...opts.config,
  };
  const app = await createPlatform(config, ['error']);
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address();
  const url = `http://127.0.0.1:${address.port}`;
  config.publicUrl = url;
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
  return { app, url, adminKey, config, api, close: () => app.close() };
}
