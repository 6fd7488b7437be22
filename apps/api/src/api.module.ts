import { SchedulePreviewController } from './triggers/preview-schedule/schedule-preview.controller';
import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { ExecutionQueueModule } from '@runlet/executions';
import { ReadModelsModule } from '@runlet/platform';
import { EventsController } from './audit/events.controller';
import { AdminKeyBootstrap } from './auth/admin-key.bootstrap';
import { ApiKeyGuard } from './auth/api-key.guard';
import { ApiKeysController } from './auth/api-keys.controller';
import { apiKeyHandlers } from './auth/auth.handlers';
import { BuildsController } from './builds/builds.controller';
import { auditHandlers } from './audit/audit.handlers';
import { buildHandlers } from './builds/builds.handlers';
import { ExecutionsController } from './executions/executions.controller';
import { executionHandlers } from './executions/executions.handlers';
import { HealthController } from './health/health.controller';
import { RunsController } from './runs/runs.controller';
import { runHandlers } from './runs/runs.handlers';
import { ScriptSummaryCache } from './runs/script-summary-cache';
import { TryBuilder } from './runs/try-builder';
import { ScriptsController } from './scripts/scripts.controller';
import { SecretsController } from './secrets/secrets.controller';
import { secretHandlers } from './secrets/secrets.handlers';
import { scriptHandlers } from './scripts/scripts.handlers';
import { PlatformKey } from './triggers/platform-key';
import { TriggersController } from './triggers/triggers.controller';
import { triggerHandlers } from './triggers/triggers.handlers';
import { WebhookSecrets } from './triggers/webhook-secrets';
import { WebhookHandler } from './webhooks/webhook-handler';
import { WebhookTriggerCache } from './webhooks/webhook-trigger-cache';
import { ConnectionDrain } from './http/connection-drain';

/**
 * The `api` role: REST API, webhooks (served ahead of Express: see serveHooksAhead), health and
 * metrics. Controllers send every write as a command and every read as a query over the buses;
 * each use case has its own folder with its command (or query) and handler.
 */
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
    SecretsController,
    SchedulePreviewController,
  ],
  providers: [
    ApiKeyGuard,
    { provide: APP_GUARD, useExisting: ApiKeyGuard },
    AdminKeyBootstrap,
    ...scriptHandlers,
    ...triggerHandlers,
    ...apiKeyHandlers,
    ...executionHandlers,
    ...runHandlers,
    ...buildHandlers,
    ...auditHandlers,
    ...secretHandlers,
    TryBuilder,
    ScriptSummaryCache,
    PlatformKey,
    WebhookSecrets,
    WebhookTriggerCache,
    WebhookHandler,
    ConnectionDrain,
  ],
})
export class ApiModule {}
