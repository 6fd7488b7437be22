import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { createPlatform } from './bootstrap';
import { loadConfig } from './platform/config';

/** `node dist/apps/api/src/main.js [--roles api,scheduler,builder,executor]` */
async function main(): Promise<void> {
  const config = loadConfig();
  const app = await createPlatform(config);
  if (config.roles.includes('api')) await app.listen(config.port);
  new Logger('runlet').log(
    `roles ${config.roles.join(', ')}` +
      (config.roles.includes('api') ? ` — API on http://localhost:${config.port}` : ''),
  );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
