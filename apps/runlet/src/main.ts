import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { LocalServices, LocalServicesError, startLocalServices } from './local-services/local-services';
import { stopOnShutdown } from './local-services/stop-on-shutdown';
import { createPlatform } from './bootstrap';
import { consoleSettings, startConsole } from './console/console-process';
import { loadConfig, startMetricsServer } from '@runlet/platform';

let local: LocalServices | undefined;

/** `node dist/apps/runlet/src/main.js [--roles api,scheduler,builder,executor]` */
async function main(): Promise<void> {
  const config = loadConfig();
  const logger = new Logger('runlet');
  // PostgreSQL and Redis: configured, answering at the default, or started here at the default (a fresh machine).
  local = await startLocalServices({
    env: process.env,
    databaseUrl: config.databaseUrl,
    redisUrl: config.redisUrl,
    dataDir: config.dataDir,
    sandboxNeeded: config.roles.includes('executor') && !config.executor.allowInsecureSandbox,
    log: (line) => logger.log(line),
  });
  stopOnShutdown(local);
  const app = await createPlatform(config);
  const console_ = consoleSettings(process.env);
  const withConsole = config.roles.includes('api') && console_.enabled;
  if (config.roles.includes('api')) {
    await app.listen(config.port);
    if (withConsole) startConsole(console_, app.getHttpServer(), (line) => logger.log(line));
  } else if (config.metricsPort !== undefined) await startMetricsServer(config.metricsPort);
  logger.log(
    `roles ${config.roles.join(', ')}` +
      (config.roles.includes('api') ? ` — API on http://localhost:${config.port}` : '') +
      (withConsole ? `, console on http://localhost:${console_.port}` : '') +
      (!config.roles.includes('api') && config.metricsPort !== undefined
        ? ` — metrics on http://localhost:${config.metricsPort}/metrics`
        : ''),
  );
}

main().catch(async (err) => {
  if (err instanceof LocalServicesError) console.error(`[runlet] ${err.message}`);
  else console.error(err);
  await local?.stop();
  process.exit(1);
});
