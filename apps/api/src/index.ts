export { ApiModule } from './api.module';
export { configureHttp } from './http/configure-http';
export { serveHooksAhead } from './webhooks/hooks-route';
export { WebhookHandler } from './webhooks/webhook-handler';
