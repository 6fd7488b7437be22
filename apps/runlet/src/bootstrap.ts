import { INestApplication, LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { AppModule } from './app.module';
import { configureHttp, serveHooksAhead, WebhookHandler } from '@runlet/api';
import { RunletConfig, ensureDatabaseExists } from '@runlet/platform';

/** Builds the platform for the configured roles; the HTTP server listens when `api` is one. */
export async function createPlatform(
  config: RunletConfig,
  logger: LogLevel[] | false = ['log', 'warn', 'error'],
): Promise<INestApplication> {
  await ensureDatabaseExists(config.databaseUrl);
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forConfig(config), {
    bodyParser: false,
    logger,
  });
  app.enableShutdownHooks();
  if (config.roles.includes('api')) {
    configureHttp(app);
    serveHooksAhead(app.getHttpServer(), app.get(WebhookHandler), config.webhooks.bodyLimitBytes);
  }
  await app.init();
  return app;
}
