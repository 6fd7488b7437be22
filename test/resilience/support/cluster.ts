import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { Role } from '@runlet/platform';
import { recreateTestDatabase } from '../../support/database';
import { ensureBuilt, freePort } from '../../support/role-process';

const MAIN = join(__dirname, '..', '..', '..', 'dist', 'apps', 'runlet', 'src', 'main.js');

export interface ApiResponse {
  status: number;
  body: any;
  headers: Headers;
}

/** One platform process from dist/ running some roles; its output goes to a file kept for failures. */
export class RoleProcess {
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private constructor(
    readonly roles: Role[],
    readonly child: ChildProcess,
    readonly logFile: string,
    readonly port?: number,
  ) {
    this.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  }

  static spawn(cluster: Cluster, roles: Role[], env: Record<string, string>, port?: number): RoleProcess {
    const logFile = join(cluster.dataDir, `${roles.join('-')}-${Date.now()}-${Math.random()}.log`);
    const out = openSync(logFile, 'a');
    const child = spawn(process.execPath, [MAIN, '--roles', roles.join(',')], {
      env: {
        ...process.env,
        ...cluster.env,
        ...(port ? { PORT: String(port), RUNLET_PUBLIC_URL: `http://127.0.0.1:${port}` } : {}),
        ...env,
      },
      stdio: ['ignore', out, out],
    });
    return new RoleProcess(roles, child, logFile, port);
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  output(): string {
    return readFileSync(this.logFile, 'utf8');
  }

  kill(signal: NodeJS.Signals = 'SIGKILL'): void {
    if (this.alive) this.child.kill(signal);
  }

  /** SIGTERM and the exit, SIGKILL after `graceMs` (then `killed` says so). */
  async terminate(
    graceMs = 60_000,
  ): Promise<{ code: number | null; signal: NodeJS.Signals | null; killed: boolean }> {
    if (!this.alive) return { ...(await this.exited), killed: false };
    let killed = false;
    const timer = setTimeout(() => {
      killed = true;
      this.kill('SIGKILL');
    }, graceMs);
    this.child.kill('SIGTERM');
    const exit = await this.exited;
    clearTimeout(timer);
    return { ...exit, killed };
  }
}

export interface ClusterOptions {
  /** The URL of PostgreSQL's admin database to create this test's database on (default: the shared one). */
  databaseUrl: string;
  redisUrl: string;
  env?: Record<string, string>;
}

/**
 * A platform made of role processes from dist/, as Kubernetes runs it, against a database and a
 * Redis the test names (its own servers when it restarts them). `api()` talks to the first api process.
 */
export class Cluster {
  readonly processes: RoleProcess[] = [];
  readonly adminKey = 'resilience-admin-key';
  readonly dataDir = mkdtempSync(join(tmpdir(), 'runlet-resilience-'));
  constructor(
    readonly databaseUrl: string,
    readonly redisUrl: string,
    readonly env: Record<string, string>,
  ) {}

  /** `name`'s database: recreated on the shared PostgreSQL, or created by the platform on a test's own server. */
  static async create(name: string, opts: Partial<ClusterOptions> & { redisUrl: string }): Promise<Cluster> {
    ensureBuilt();
    const databaseUrl = opts.databaseUrl ?? (await recreateTestDatabase(name));
    const cluster = new Cluster(databaseUrl, opts.redisUrl, {});
    Object.assign(cluster.env, {
      DATABASE_URL: databaseUrl,
      REDIS_URL: opts.redisUrl,
      RUNLET_DATA_DIR: cluster.dataDir,
      RUNLET_ADMIN_KEY: cluster.adminKey,
      RUNLET_EXECUTOR_CONCURRENCY: '8',
      RUNLET_EXECUTOR_LOCK_MS: '2000',
      RUNLET_POOL_SIZE: '1',
      ...opts.env,
    });
    return cluster;
  }

  get apiUrl(): string {
    return this.apiUrls[0];
  }

  /** Every running api process's base URL, in the order they were started. */
  get apiUrls(): string[] {
    const apis = this.processes.filter((p) => p.roles.includes('api') && p.alive);
    if (!apis.length) throw new Error('no api process is running');
    return apis.map((p) => `http://127.0.0.1:${p.port}`);
  }

  /** Starts a process with `roles`; with `api`, waits until it answers /health. */
  async start(roles: Role[], env: Record<string, string> = {}): Promise<RoleProcess> {
    const port = roles.includes('api') ? await freePort() : undefined;
    const proc = RoleProcess.spawn(this, roles, env, port);
    this.processes.push(proc);
    if (port) await this.waitForHealth(proc);
    return proc;
  }

  private async waitForHealth(proc: RoleProcess, timeoutMs = 90_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (!proc.alive) throw new Error(`${proc.roles} process died at start:\n${proc.output().slice(-3000)}`);
      try {
        const res = await fetch(`http://127.0.0.1:${proc.port}/health`);
        if (res.status < 500) return;
      } catch {
        /* not listening yet */
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`${proc.roles} process did not answer /health:\n${proc.output().slice(-3000)}`);
  }

  async api(method: string, path: string, body?: unknown, base = this.apiUrl): Promise<ApiResponse> {
    const res = await fetch(base + path, {
      method,
      headers: {
        authorization: `Bearer ${this.adminKey}`,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    let parsed: any = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      /* not JSON */
    }
    return { status: res.status, body: parsed, headers: res.headers };
  }

  /** Creates a script and waits until version 1 is deployed; returns its id. */
  async builtScript(script: Record<string, unknown>, timeoutMs = 180_000): Promise<string> {
    const created = await this.api('POST', '/api/v1/scripts', script);
    if (created.status !== 201) throw new Error(`create failed: ${JSON.stringify(created.body)}`);
    const id = created.body.id;
    await eventually(
      async () => {
        const { body } = await this.api('GET', `/api/v1/scripts/${id}`);
        if (body.build?.status === 'failed') throw new Error(`build failed: ${JSON.stringify(body.build)}`);
        return body.deployedVersion >= 1 ? true : undefined;
      },
      `script ${id} deployed`,
      timeoutMs,
    );
    return id;
  }

  /** One statement on the platform's database. */
  async query(sql: string, params: unknown[] = []): Promise<any[]> {
    const client = new Client({ connectionString: this.databaseUrl });
    await client.connect();
    try {
      return (await client.query(sql, params)).rows;
    } finally {
      await client.end();
    }
  }

  /** Every process SIGKILLed (a test's end; draining is tested on its own). */
  async close(): Promise<void> {
    for (const p of this.processes) p.kill('SIGKILL');
    await Promise.all(this.processes.map((p) => p.exited));
  }

  /** The last lines of every process's output, for a failing assertion's message. */
  outputs(): string {
    return this.processes.map((p) => `--- ${p.roles} (${p.logFile})\n${p.output().slice(-2000)}`).join('\n');
  }
}

/** Polls `probe` until it returns a value (not undefined) or `timeoutMs` passes. */
export async function eventually<T>(
  probe: () => Promise<T | undefined>,
  what: string,
  timeoutMs = 120_000,
  everyMs = 250,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (err) {
      lastError = err;
      if ((err as Error).message?.startsWith('build failed')) throw err;
    }
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}${lastError ? ` (last error: ${lastError})` : ''}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
