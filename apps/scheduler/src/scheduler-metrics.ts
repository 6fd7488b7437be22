import { Counter, Gauge, Histogram } from 'prom-client';
import type { FireOutcome } from './tick-firer';

/** Prometheus metrics of the scheduler role (default registry, served at /metrics). */
export const cronTicks = new Counter({
  name: 'runlet_cron_ticks_total',
  help: 'Cron ticks by outcome: queued, skipped (overlap), duplicate (fired elsewhere), not-deployed, not-caught-up (catchUp none)',
  labelNames: ['outcome', 'late'],
});

export const cronFireDelay = new Histogram({
  name: 'runlet_cron_fire_delay_seconds',
  help: 'firedAt − scheduledAt of on-time cron ticks',
  buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2],
});

export const cronActiveTriggers = new Gauge({
  name: 'runlet_cron_active_triggers',
  help: 'Active (not paused, not deleted) cron triggers known to the schedulers of this process',
  collect() {
    let n = 0;
    for (const source of activeTriggerSources) n += source();
    this.set(n);
  },
});

export function recordTick(outcome: FireOutcome | 'not-caught-up', late: boolean): void {
  cronTicks.inc({ outcome, late: String(late) });
}

const activeTriggerSources = new Set<() => number>();

/** Counts a scheduler's active triggers into the gauge at each scrape; returns the undo. */
export function countActiveTriggers(source: () => number): () => void {
  activeTriggerSources.add(source);
  return () => activeTriggerSources.delete(source);
}
