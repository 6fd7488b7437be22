// The metrics every role's process exposes (the api role adds its HTTP ones).
import { Counter, Gauge, collectDefaultMetrics, register } from 'prom-client';
import { runningSubscriptions } from '@runlet/event-store';

collectDefaultMetrics({ prefix: 'runlet_' });

export const appendCounter = new Counter({
  name: 'runlet_event_append_groups_total',
  help: 'Event store group commits',
});

/** Events between the head of the log and each subscription's checkpoint (of the subscriptions this process runs). */
export const subscriptionLag = new Gauge({
  name: 'runlet_subscription_lag_events',
  help: 'Events appended but not yet processed by the subscription',
  labelNames: ['subscription'],
  async collect() {
    this.reset();
    const lags = await Promise.all(
      runningSubscriptions().map(async (s) => [s.name, await s.lag().catch(() => Number.NaN)] as const),
    );
    for (const [subscription, lag] of lags) this.set({ subscription }, lag);
  },
});

/** Batches a subscription of this process failed to apply (a stuck one keeps retrying with backoff). */
export const subscriptionFailures = new Counter({
  name: 'runlet_subscription_failures_total',
  help: 'Failed attempts of a subscription to apply a batch of events',
  labelNames: ['subscription'],
  collect() {
    this.reset();
    for (const s of runningSubscriptions()) this.inc({ subscription: s.name }, s.failureCount);
  },
});

export { register as metricsRegistry };
