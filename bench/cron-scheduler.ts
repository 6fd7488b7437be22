import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { triggerAggregate, triggerStreamId } from '@runlet/domain';
import { AggregateRepository, Database } from '@runlet/event-store';
import { createPlatform } from '../apps/runlet/src/bootstrap';
import { loadConfig, RunletConfig } from '@runlet/platform';
import { recreateTestDatabase, REDIS_URL } from '../test/support/database';

const TRIGGERS = 100;
const MEASURE_MS = 5000;

export interface CronJitter {
  /** firedAt − scheduledAt of the TriggerFired events (when the scheduler decided to fire). */
  p50Ms: number;
  p99Ms: number;
  n: number;
  /** recordedAt − scheduledAt: including the append that makes the firing durable. */
  recordedP50Ms: number;
  recordedP99Ms: number;
}

/**
 * 100 every-second cron triggers, all due on the same second, for ~5 s on one platform process
 * (api + builder + scheduler; no executor, so executions stay queued and only the scheduler is
 * measured). Jitter is read back from the TriggerFired events.
 */
export async function benchCronJitter(): Promise<CronJitter> {
  const databaseUrl = await recreateTestDatabase('bench_cron');
  const adminKey = 'bench-admin-key';
  // The defaults of an empty environment, so new config fields need no change here.
  const config: RunletConfig = {
    ...loadConfig({}, []),
    port: 0,
    databaseUrl,
    redisUrl: REDIS_URL,
    adminKey,
    dataDir: mkdtempSync(join(tmpdir(), 'runlet-bench-cron-')),
    roles: ['api', 'builder', 'scheduler'],
  };
  const app = await createPlatform(config, ['error']);
  await app.listen(0, '127.0.0.1');
  try {
    const url = `http://127.0.0.1:${app.getHttpServer().address().port}/api/v1`;
    const call = async (method: string, path: string, body?: unknown) => {
      const res = await fetch(url + path, {
        method,
        headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return res.json() as Promise<any>;
    };
    const { id: scriptId } = await call('POST', '/scripts', {
      name: 'bench-cron',
      code: 'export default () => 1',
    });
    for (
      const deadline = Date.now() + 60_000;
      (await call('GET', `/scripts/${scriptId}`)).deployedVersion !== 1;
    ) {
      if (Date.now() > deadline) throw new Error('the bench script was not deployed');
      await new Promise((r) => setTimeout(r, 200));
    }

    const repo = app.get(AggregateRepository);
    const meta = { actor: 'bench', correlationId: randomUUID(), causationId: null };
    const ids = Array.from({ length: TRIGGERS }, () => randomUUID());
    const command = (type: 'PauseTrigger') => ({ type });
    await Promise.all(
      ids.map((triggerId) =>
        repo.execute(
          triggerStreamId(triggerId),
          triggerAggregate,
          {
            type: 'CreateTrigger',
            triggerId,
            scriptId,
            triggerType: 'cron',
            schedule: '* * * * * *',
            timezone: 'UTC',
          },
          meta,
        ),
      ),
    );
    // Let the projection and the scheduler's sync pick every trigger up, then measure whole seconds.
    await new Promise((r) => setTimeout(r, 2000));
    const from = new Date(Math.ceil(Date.now() / 1000) * 1000);
    await new Promise((r) => setTimeout(r, from.getTime() + MEASURE_MS - Date.now() + 1500));
    await Promise.all(
      ids.map((id) => repo.execute(triggerStreamId(id), triggerAggregate, command('PauseTrigger'), meta)),
    );

    const rows = await app.get(Database).query(
      `SELECT data, recorded_at FROM events
        WHERE event_type = 'TriggerFired' AND data->>'triggerId' = ANY($1::text[])
          AND (data->>'scheduledAt')::timestamptz >= $2 AND (data->>'scheduledAt')::timestamptz < $3`,
      [ids, from, new Date(from.getTime() + MEASURE_MS)],
    );
    const fired = rows.map((r: any) => Date.parse(r.data.firedAt) - Date.parse(r.data.scheduledAt));
    const recorded = rows.map((r: any) => r.recorded_at.getTime() - Date.parse(r.data.scheduledAt));
    const [p50Ms, p99Ms] = percentiles(fired);
    const [recordedP50Ms, recordedP99Ms] = percentiles(recorded);
    return { p50Ms, p99Ms, n: fired.length, recordedP50Ms, recordedP99Ms };
  } finally {
    await app.close();
  }
}

function percentiles(samples: number[]): [number, number] {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? NaN;
  return [at(0.5), at(0.99)];
}
