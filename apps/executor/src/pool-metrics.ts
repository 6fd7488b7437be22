import { Counter, Gauge } from 'prom-client';
import type { WarmPoolStats } from '@runlet/runtime';

/** Prometheus metrics of the executors' warm pools (default registry, served at /metrics). */
const sources = new Set<() => WarmPoolStats>();
const all = (): WarmPoolStats[] => [...sources].map((stats) => stats());
const sum = (pick: (s: WarmPoolStats) => number): number => all().reduce((n, s) => n + pick(s), 0);

/** Counts a runtime's pool into the metrics at each scrape; returns the undo. */
export function exposePoolMetrics(stats: () => WarmPoolStats): () => void {
  sources.add(stats);
  return () => sources.delete(stats);
}

export const poolInstances = new Gauge({
  name: 'runlet_pool_instances',
  help: 'Warm sandboxes per deployed version, by state (idle, busy, starting: starting up or being cleaned after a run)',
  labelNames: ['script_id', 'version', 'state'],
  collect() {
    this.reset();
    for (const stats of all())
      for (const v of stats.versions)
        for (const state of ['idle', 'busy', 'starting'] as const)
          this.inc({ script_id: v.scriptId, version: String(v.version), state }, v[state]);
  },
});

export const poolMemory = new Gauge({
  name: 'runlet_pool_memory_mb',
  help: 'Memory the warm sandboxes may use, each counted at its memory limit (MB)',
  collect() {
    this.set(sum((s) => s.memoryMb));
  },
});

export const poolMemoryBudget = new Gauge({
  name: 'runlet_pool_memory_budget_mb',
  help: 'Memory budget of the warm sandboxes (RUNLET_POOL_MEMORY_MB)',
  collect() {
    this.set(sum((s) => s.memoryBudgetMb));
  },
});

export const sandboxes = new Gauge({
  name: 'runlet_sandboxes',
  help: 'Live sandboxes, warm or one-off (at most RUNLET_EXECUTOR_CONCURRENCY per executor)',
  collect() {
    this.set(sum((s) => s.sandboxes));
  },
});

export const waitingRuns = new Gauge({
  name: 'runlet_pool_waiting_runs',
  help: 'Runs waiting for a sandbox (every sandbox busy, or theirs starting)',
  collect() {
    this.set(sum((s) => s.waiting));
  },
});

export const poolHits = new Counter({
  name: 'runlet_pool_hits_total',
  help: 'Runs served by a warm sandbox started before they asked',
  collect() {
    this.reset();
    this.inc(sum((s) => s.hits));
  },
});

export const poolColdStarts = new Counter({
  name: 'runlet_pool_cold_starts_total',
  help: 'Runs that waited for a sandbox started after they asked',
  collect() {
    this.reset();
    this.inc(sum((s) => s.coldStarts));
  },
});

export const poolEvictions = new Counter({
  name: 'runlet_pool_evictions_total',
  help: 'Warm sandboxes stopped: memory (budget, least recently used version first), capacity (room for another version), idle (beyond RUNLET_POOL_SIZE after RUNLET_POOL_IDLE_MS)',
  labelNames: ['reason'],
  collect() {
    this.reset();
    for (const reason of ['memory', 'capacity', 'idle'] as const)
      this.inc(
        { reason },
        sum((s) => s.evictions[reason]),
      );
  },
});
