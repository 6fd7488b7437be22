import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { AdminKeyBootstrap } from './auth/admin-key.bootstrap';
import { ApiKeyCommands } from './auth/api-key.commands';
import { ApiKeyGuard } from './auth/api-key.guard';
import { ApiKeysController } from './auth/api-keys.controller';
import { EventsController } from './audit/events.controller';
import { HealthController } from './health/health.controller';
import { ReadModelsModule } from './read-models/read-models.module';
import { ExecuteScriptHandler } from './scripts/script.command';
import { ScriptsController } from './scripts/scripts.controller';

/** The `api` role: REST API, webhooks, health and metrics. */
@Module({
  imports: [CqrsModule.forRoot(), ReadModelsModule],
  controllers: [HealthController, ScriptsController, EventsController, ApiKeysController],
  providers: [
    ApiKeyGuard,
    { provide: APP_GUARD, useExisting: ApiKeyGuard },
    ApiKeyCommands,
    AdminKeyBootstrap,
    ExecuteScriptHandler,
  ],
})
export class ApiModule {}
