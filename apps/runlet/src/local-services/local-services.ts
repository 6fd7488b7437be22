import { join } from 'node:path';
import { EmbeddedPostgres } from './embedded-postgres';
import { LocalRedis } from './local-redis';
import { listenAddress, planDatabase, planRedis } from './local-services-plan';
import { findOnPath, IP_DIRS, sandboxToolsReport } from './sandbox-tools-check';
import { isListening } from './service-probe';

/** A reason `npm start` cannot go on, said in one line (no stack trace: nothing is broken, something is missing). */
export class LocalServicesError extends Error {}

export interface LocalServicesInput {
  env: NodeJS.ProcessEnv;
  /** From the configuration: the variable's value, or the default when unset. */
  databaseUrl: string;
  redisUrl: string;
  dataDir: string;
  /** This process runs executions in bubblewrap sandboxes (executor role, sandbox not waived). */
  sandboxNeeded: boolean;
  log: (line: string) => void;
}

/** The services this process started (on the configured default addresses) and must stop. */
export interface LocalServices {
  /** Stops what was started here, Redis first (nothing else should outlive the platform). */
  stop(): Promise<void>;
  /** At process exit, where nothing can be awaited. */
  signalNow(): void;
}

interface Started {
  stop(): Promise<void>;
  signalNow(): void;
}

/**
 * Decides what a start on this machine needs: a configured DATABASE_URL / REDIS_URL is used as is;
 * an unset one is used when something answers at the default; otherwise an embedded PostgreSQL and
 * redis-server from PATH are started on the default address, with their files in the data dir.
 */
export async function startLocalServices(input: LocalServicesInput): Promise<LocalServices> {
  if (input.sandboxNeeded) {
    const path = (program: string) =>
      program === 'ip' ? [input.env.PATH, ...IP_DIRS].filter(Boolean).join(':') : input.env.PATH;
    const report = sandboxToolsReport((program) => findOnPath(program, path(program)) !== undefined);
    if (report.fatal) throw new LocalServicesError(report.fatal);
    report.warnings.forEach(input.log);
  }
  const pgAt = listenAddress(input.databaseUrl, 5432);
  const redisAt = listenAddress(input.redisUrl, 6379);
  const dbConfigured = input.env.DATABASE_URL !== undefined;
  const redisConfigured = input.env.REDIS_URL !== undefined;
  const [dbReachable, redisReachable] = await Promise.all([
    dbConfigured ? undefined : isListening(pgAt.host, pgAt.port),
    redisConfigured ? undefined : isListening(redisAt.host, redisAt.port),
  ]);
  const database = planDatabase({ url: input.databaseUrl, configured: dbConfigured, reachable: dbReachable });
  const redisServer = findOnPath('redis-server', input.env.PATH);
  const redis = planRedis({
    url: input.redisUrl,
    configured: redisConfigured,
    reachable: redisReachable,
    redisServer,
  });
  if (redis.action === 'fail') throw new LocalServicesError(redis.message);

  const started: Started[] = [];
  const stopAll = async () => {
    for (const service of started.splice(0).reverse()) await service.stop();
  };
  try {
    if (database.action === 'start') {
      const pg = new EmbeddedPostgres(join(input.dataDir, 'postgres'), database.url, pgAt, input.log);
      await startOne('the embedded PostgreSQL', pg);
      started.push(pg);
    }
    if (redis.action === 'start') {
      const server = new LocalRedis(redisServer!, join(input.dataDir, 'redis'), redisAt, input.log);
      await startOne('redis-server', server);
      started.push(server);
    }
  } catch (err) {
    await stopAll();
    throw err;
  }
  return {
    stop: stopAll,
    signalNow: () => started.forEach((service) => service.signalNow()),
  };
}

async function startOne(what: string, service: Started & { start(): Promise<void> }): Promise<void> {
  try {
    await service.start();
  } catch (err) {
    await service.stop().catch(() => undefined);
    const reason = (err as { stderr?: Buffer }).stderr?.toString().trim() || (err as Error).message;
    throw new LocalServicesError(`could not start ${what}: ${reason}`);
  }
}
