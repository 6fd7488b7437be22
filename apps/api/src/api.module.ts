import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { AdminKeyBootstrap } from './auth/admin-key.bootstrap';
import { ApiKeyCommands } from './auth/api-key.commands';
import { ApiKeyGuard } from './auth/api-key.guard';
import { ApiKeysController } from './auth/api-keys.controller';
import { BuildsController } from './builds/builds.controller';
import { EventsController } from './audit/events.controller';
import { HealthController } from './health/health.controller';
import { ReadModelsModule } from '@runlet/platform';
import { ExecuteScriptHandler } from './scripts/script.command';
import { ScriptsController } from './scripts/scripts.controller';
import { ExecutionsController } from './executions/executions.controller';
import { ExecutionLookup } from './executions/execution-lookup.service';
import { RunsController } from './runs/runs.controller';
import { ScriptSummaryCache } from './runs/script-summary-cache';
import { TryBuilder } from './runs/try-builder';
import { PlatformKey } from './triggers/platform-key';
import { TriggerCommands } from './triggers/trigger-commands.service';
import { TriggersController } from './triggers/triggers.controller';
import { WebhookTriggerCache } from './webhooks/webhook-trigger-cache';
import { WebhookHandler } from './webhooks/webhook-handler';
import { ExecutionQueueModule } from '@runlet/executions';

/** The `api` role: REST API, webhooks (served ahead of Express: see serveHooksAhead), health and metrics. */
@Module({
  imports: [CqrsModule.forRoot(), ReadModelsModule, ExecutionQueueModule],
  controllers: [
    HealthController,
    ScriptsController,
    EventsController,
    ApiKeysController,
    RunsController,
    ExecutionsController,
    TriggersController,
    BuildsController,
  ],
  providers: [
    ApiKeyGuard,
    { provide: APP_GUARD, useExisting: ApiKeyGuard },
    ApiKeyCommands,
    AdminKeyBootstrap,
    ExecuteScriptHandler,
    ExecutionLookup,
    TryBuilder,
    ScriptSummaryCache,
    PlatformKey,
    TriggerCommands,
    WebhookTriggerCache,
    WebhookHandler,
  ],
})
export class ApiModule {}
