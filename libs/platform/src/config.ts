import { resolve } from 'node:path';
import { loadSecretsConfig, SecretsConfig } from '@runlet/secrets';
import { loadLogsConfig, LogsConfig } from '@runlet/logs';

export const ROLES = ['api', 'scheduler', 'builder', 'executor'] as const;
export type Role = (typeof ROLES)[number];

/** Everything configurable, read once from the environment (see the README's table). */
export interface RunletConfig {
  port: number;
  /** Where a process without the api role serves /metrics and /health (none when unset). */
  metricsPort?: number;
  databaseUrl: string;
  databaseType: 'postgres' | 'cockroachdb';
  redisUrl: string;
  adminKey?: string;
  dataDir: string;
  roles: Role[];
  publicUrl: string;
  /** Executions that ended more than this many days ago are removed (none when unset). */
  executionRetentionDays?: number;
  webhooks: {
    bodyLimitBytes: number;
    ratePerSecond: number;
    syncWaitMs: number;
  };
  executor: {
    concurrency: number;
    lockDurationMs: number;
    /** Warm sandboxes a deployed version keeps however long it is idle; 0 = no pool. */
    poolSize: number;
    /** Memory all warm sandboxes of an executor may hold, in MB (undefined: half the machine's). */
    poolMemoryMb?: number;
    /** Warm sandboxes beyond poolSize stop after idling this long. */
    poolIdleMs: number;
    reuseInstances: boolean;
    allowInsecureSandbox: boolean;
  };
  /** RUNLET_MASTER_KEY, RUNLET_SECRET_PROVIDERS, INFISICAL_* (see docs/secrets.md). */
  secrets: SecretsConfig;
  /** Log retention and the CloudWatch sink (RUNLET_LOG_*, RUNLET_CLOUDWATCH_*, AWS_*). */
  logs: LogsConfig;
  /** Where executions run (RUNLET_RUNTIME); the process runtime unless configured. */
  runtime: RuntimeConfig;
}

export const RUNTIMES = ['process', 'docker', 'kubernetes'] as const;
export type RuntimeKind = (typeof RUNTIMES)[number];

export interface RuntimeConfig {
  kind: RuntimeKind;
  /** Image a try-out runs in, and scripts' images are built from (RUNLET_BASE_IMAGE). */
  baseImage: string;
  /** Idle started containers per deployed version (docker; RUNLET_DOCKER_WARM_CONTAINERS). */
  warmContainers: number;
  /** Namespace of the execution Jobs (kubernetes; RUNLET_KUBERNETES_NAMESPACE). */
  kubernetesNamespace: string;
}

export function loadRuntimeConfig(env: NodeJS.ProcessEnv = process.env): RuntimeConfig {
  const kind = (env.RUNLET_RUNTIME || 'process') as RuntimeKind;
  if (!RUNTIMES.includes(kind))
    throw new Error(`RUNLET_RUNTIME=${env.RUNLET_RUNTIME}: unknown runtime; known: ${RUNTIMES.join(', ')}`);
  return {
    kind,
    baseImage: env.RUNLET_BASE_IMAGE || 'runlet/node-base:20',
    warmContainers: Number(env.RUNLET_DOCKER_WARM_CONTAINERS ?? 1),
    kubernetesNamespace: env.RUNLET_KUBERNETES_NAMESPACE || 'default',
  };
}

export const RUNLET_CONFIG = Symbol('RUNLET_CONFIG');

export function loadConfig(
  env: NodeJS.ProcessEnv = process.env,
  argv: string[] = process.argv,
): RunletConfig {
  const port = Number(env.PORT ?? 8080);
  return {
    port,
    metricsPort: env.RUNLET_METRICS_PORT ? Number(env.RUNLET_METRICS_PORT) : undefined,
    databaseUrl: env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/runlet',
    databaseType: env.DATABASE_TYPE === 'cockroachdb' ? 'cockroachdb' : 'postgres',
    redisUrl: env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    adminKey: env.RUNLET_ADMIN_KEY || undefined,
    dataDir: resolve(env.RUNLET_DATA_DIR ?? '.runlet/data'),
    roles: parseRoles(argv, env.RUNLET_ROLES),
    publicUrl: env.RUNLET_PUBLIC_URL ?? `http://localhost:${port}`,
    executionRetentionDays: env.RUNLET_EXECUTION_RETENTION_DAYS
      ? Number(env.RUNLET_EXECUTION_RETENTION_DAYS)
      : undefined,
    webhooks: {
      bodyLimitBytes: Number(env.RUNLET_WEBHOOK_BODY_LIMIT ?? 1024 * 1024),
      ratePerSecond: Number(env.RUNLET_WEBHOOK_RATE_PER_SEC ?? 1000),
      syncWaitMs: Number(env.RUNLET_WEBHOOK_SYNC_WAIT_MS ?? 30_000),
    },
    executor: {
      concurrency: Number(env.RUNLET_EXECUTOR_CONCURRENCY ?? 16),
      lockDurationMs: Number(env.RUNLET_EXECUTOR_LOCK_MS ?? 30_000),
      poolSize: Number(env.RUNLET_POOL_SIZE ?? 2),
      poolMemoryMb: env.RUNLET_POOL_MEMORY_MB ? Number(env.RUNLET_POOL_MEMORY_MB) : undefined,
      poolIdleMs: Number(env.RUNLET_POOL_IDLE_MS ?? 60_000),
      reuseInstances: env.RUNLET_POOL_REUSE !== 'false',
      allowInsecureSandbox: env.RUNLET_ALLOW_INSECURE_SANDBOX === 'true',
    },
    secrets: loadSecretsConfig(env),
    logs: loadLogsConfig(env),
    runtime: loadRuntimeConfig(env),
  };
}

/** `--roles api,executor` (or RUNLET_ROLES); default: every role in one process. */
export function parseRoles(argv: string[], fromEnv?: string): Role[] {
  const i = argv.findIndex((a) => a === '--roles' || a.startsWith('--roles='));
  const raw = i < 0 ? fromEnv : argv[i].includes('=') ? argv[i].split('=')[1] : argv[i + 1];
  if (!raw) return [...ROLES];
  const roles = raw
    .split(',')
    .map((r) => r.trim())
    .filter(Boolean);
  const unknown = roles.filter((r) => !(ROLES as readonly string[]).includes(r));
  if (unknown.length)
    throw new Error(`unknown role(s) ${unknown.join(', ')}; known roles: ${ROLES.join(', ')}`);
  return roles as Role[];
}
