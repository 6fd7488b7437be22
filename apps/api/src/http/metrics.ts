import { Counter, Histogram } from 'prom-client';

export const httpDuration = new Histogram({
  name: 'runlet_http_request_duration_seconds',
  help: 'HTTP request duration by route and status',
  labelNames: ['method', 'route', 'status'],
  buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
});

/** Webhook deliveries refused by their trigger's verification, per trigger and failed check. */
export const webhookVerificationFailures = new Counter({
  name: 'runlet_webhook_verification_failures_total',
  help: 'Webhook deliveries refused with 401, by trigger and reason (missing_header, bad_signature, outside_tolerance)',
  labelNames: ['trigger', 'reason'],
});
