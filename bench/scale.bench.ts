import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Database, EventStore } from '@runlet/event-store';
import { loadConfig, platformMigrations, RunletConfig } from '@runlet/platform';
import { READ_MODELS_SUBSCRIPTION } from '@runlet/read-models';
import { createPlatform } from '../apps/runlet/src/bootstrap';
import { recreateTestDatabase, REDIS_URL } from '../test/support/database';
import { populate, scaledSize } from './scale/populate';
import { singleAppendRate } from './event-store.bench';
import { atLeast, atMost, ms, report, summarize, type Row } from './stats';

/**
 * An installation of 10,000 scripts, 2,000 every-minute cron triggers and 1,000,000 events
 * (`RUNLET_BENCH_SCALE=0.1` for a tenth), then: the append rate next to an empty store's, the
 * read models built from position 0 by a starting platform, API and audit latency, and the
 * cron jitter of 2,000 triggers due in the same minute. The platform runs the api and scheduler
 * roles with default settings (no builder or executor: only the store, the read models and the
 * scheduler are measured).
 */
export async function benchScale(): Promise<void> {
  const scale = Number(process.env.RUNLET_BENCH_SCALE ?? 1);
  const size = scaledSize(scale);
  const databaseUrl = await recreateTestDatabase('bench_scale');
  const db = new Database({ url: databaseUrl, migrations: platformMigrations, poolSize: 8 });
  await db.migrate();
  const store = new EventStore(db);

  const emptyRate = await appendRateOnEmptyStore();
  const g0 = performance.now();
  const installation = await populate(store, size);
  const generateSeconds = (performance.now() - g0) / 1000;
  const generated = await store.headPosition();
  // autovacuum analyzes a table that grows as installations grow; a million rows loaded in a
  // minute outrun it, and with no statistics the planner scans every remaining event per batch.
  await db.query('ANALYZE');
  const fullRate = await singleAppendRate(store, 3);
  const head = await store.headPosition(); // the rate's own appends included
  await db.close();

  const adminKey = 'bench-scale-admin-key';
  const config: RunletConfig = {
    ...loadConfig({}, []),
    port: 0,
    databaseUrl,
    redisUrl: REDIS_URL,
    adminKey,
    dataDir: mkdtempSync(join(tmpdir(), 'runlet-bench-scale-')),
    roles: ['api', 'scheduler'],
  };
  const r0 = performance.now();
  const app = await createPlatform(config, ['error']);
  await app.listen(0, '127.0.0.1');
  const appDb = app.get(Database);
  const projected = async () =>
    Number(
      (await appDb.query(`SELECT position FROM subscriptions WHERE name = $1`, [READ_MODELS_SUBSCRIPTION]))[0]
        ?.position ?? 0,
    );
  while ((await projected()) < head) await new Promise((r) => setTimeout(r, 100));
  const rebuildSeconds = (performance.now() - r0) / 1000;

  try {
    const url = `http://127.0.0.1:${app.getHttpServer().address().port}`;
    const latency = async (path: (i: number) => string, n = 200) => {
      const samples: number[] = [];
      for (let i = 0; i < n; i++) {
        const t0 = performance.now();
        const res = await fetch(url + path(i), { headers: { authorization: `Bearer ${adminKey}` } });
        await res.arrayBuffer();
        if (res.status !== 200) throw new Error(`${path(i)} answered ${res.status}`);
        samples.push(performance.now() - t0);
      }
      return summarize(samples);
    };
    const pick = (ids: string[], i: number) => ids[(i * 7919) % ids.length];
    const { scriptIds, executionIds } = installation;
    const queries: [string, (i: number) => string][] = [
      ['GET /scripts?limit=50', () => '/api/v1/scripts?limit=50'],
      ['GET /scripts/:id', (i) => `/api/v1/scripts/${pick(scriptIds, i)}`],
      ['GET /executions?limit=50', () => '/api/v1/executions?limit=50'],
      ['GET /executions?scriptId=…', (i) => `/api/v1/executions?scriptId=${pick(scriptIds, i)}&limit=50`],
      ['GET /executions/:id', (i) => `/api/v1/executions/${pick(executionIds, i)}`],
      [
        'audit by stream: GET /events?stream=execution-…',
        (i) => `/api/v1/events?stream=execution-${pick(executionIds, i)}`,
      ],
      ['audit by type: GET /events?type=ScriptCreated', () => '/api/v1/events?type=ScriptCreated&limit=50'],
      ['audit: GET /scripts/:id/history', (i) => `/api/v1/scripts/${pick(scriptIds, i)}/history`],
    ];
    const apiRows: Row[] = [];
    for (const [label, path] of queries) {
      const s = await latency(path);
      apiRows.push([
        `${label} p50 / p99`,
        `${ms(s.p50)} / ${ms(s.p99)}`,
        atMost(Number(s.p99.toFixed(2)), 50, 'ms p99'),
      ]);
    }

    const jitter = await cronJitter(appDb, installation.triggerIds);
    const ratio = fullRate / emptyRate;
    report(
      `scale: ${size.scripts} scripts, ${size.cronTriggers} cron triggers, ${generated} events (api + scheduler roles, default settings)`,
      [
        ['generated through the event store: events/s', Math.round(generated / generateSeconds)],
        ['single-event appends/s, empty store (64 writers)', Math.round(emptyRate)],
        [
          `single-event appends/s at ${head} events`,
          Math.round(fullRate),
          atLeast(Number(ratio.toFixed(3)), 0.9, '× empty'),
        ],
        [
          'read models from position 0 at start: events/s',
          Math.round(head / rebuildSeconds),
          atLeast(Math.round(head / rebuildSeconds), 20_000, 'events/s'),
        ],
        ...apiRows,
        [`cron ticks of one minute (${jitter.n} of ${size.cronTriggers} fired)`, jitter.n],
        [
          'cron firedAt − scheduledAt p50 / p99',
          `${ms(jitter.p50)} / ${ms(jitter.p99)}`,
          atMost(jitter.p99, 100, 'ms p99'),
        ],
        // When the append that records the tick began (its transaction's time): what the history shows.
        [
          'cron recordedAt − scheduledAt p50 / p99',
          `${ms(jitter.recordedP50)} / ${ms(jitter.recordedP99)}`,
          atMost(jitter.recordedP99, 100, 'ms p99'),
        ],
      ],
    );
  } finally {
    await app.close();
  }
}

/** The baseline: the same appends on a store of its own that holds nothing yet. */
async function appendRateOnEmptyStore(): Promise<number> {
  const db = new Database({ url: await recreateTestDatabase('bench_scale_empty'), poolSize: 8 });
  await db.migrate();
  try {
    return await singleAppendRate(new EventStore(db), 3);
  } finally {
    await db.close();
  }
}

/** Waits for the next whole minute and reads back the TriggerFired events of that tick. */
async function cronJitter(db: Database, triggerIds: string[]) {
  const minute = new Date(Math.ceil((Date.now() + 2000) / 60_000) * 60_000);
  await new Promise((r) => setTimeout(r, minute.getTime() - Date.now() + 10_000));
  const rows = await db.query(
    `SELECT data, recorded_at FROM events
      WHERE event_type = 'TriggerFired' AND data->>'triggerId' = ANY($1::text[]) AND data->>'scheduledAt' = $2`,
    [triggerIds, minute.toISOString()],
  );
  const fired = summarize(rows.map((r: any) => Date.parse(r.data.firedAt) - minute.getTime()));
  const recorded = summarize(rows.map((r: any) => r.recorded_at.getTime() - minute.getTime()));
  return {
    n: rows.length,
    p50: fired.p50,
    p99: fired.p99,
    recordedP50: recorded.p50,
    recordedP99: recorded.p99,
  };
}
