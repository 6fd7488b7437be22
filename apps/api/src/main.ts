import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { createPlatform } from './bootstrap';
import { loadConfig } from './platform/config';
import { startMetricsServer } from './platform/metrics-server';

/** `node dist/apps/api/src/main.js [--roles api,scheduler,builder,executor]` */
async function main(): Promise<void> {
  const config = loadConfig();
  const app = await createPlatform(config);
  if (config.roles.includes('api')) await app.listen(config.port);
  else if (config.metricsPort !== undefined) await startMetricsServer(config.metricsPort);
  new Logger('runlet').log(
    `roles ${config.roles.join(', ')}` +
      (config.roles.includes('api') ? ` — API on http://localhost:${config.port}` : '') +
      (!config.roles.includes('api') && config.metricsPort !== undefined
        ? ` — metrics on http://localhost:${config.metricsPort}/metrics`
        : ''),
  );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
