import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { testDatabaseUrl } from './support/database';
import { startPlatform, TestPlatform } from './support/platform';

/** Appends an event the way an older version (or a bug) would have, bypassing the domain. */
async function insertEvent(
  name: string,
  streamId: string,
  type: string,
  schemaVersion: number,
  data: unknown,
) {
  const pg = new Client({ connectionString: testDatabaseUrl(name) });
  await pg.connect();
  try {
    const [{ v }] = (
      await pg.query(`SELECT COALESCE(max(stream_version), 0) AS v FROM events WHERE stream_id = $1`, [
        streamId,
      ])
    ).rows;
    const { rows } = await pg.query(
      `WITH head AS (UPDATE log_head SET position = position + 1 WHERE id = 1 RETURNING position)
       INSERT INTO events (global_position, stream_id, stream_version, event_id, event_type, schema_version, data, metadata)
       SELECT position, $1, $2, $3, $4, $5, $6::jsonb, $7::jsonb FROM head RETURNING global_position`,
      [
        streamId,
        Number(v) + 1,
        randomUUID(),
        type,
        schemaVersion,
        JSON.stringify(data),
        JSON.stringify({ actor: 'test', correlationId: randomUUID(), causationId: null }),
      ],
    );
    return Number(rows[0].global_position);
  } finally {
    await pg.end();
  }
}

describe('read models and events they cannot apply (platform on real PostgreSQL and Redis)', () => {
  it('a database holding ScriptVersionSaved with null fields (as the old API stored them) heals on start', async () => {
    const name = 'heal_on_start';
    let p: TestPlatform = await startPlatform(name, { roles: ['api'] });
    const { body: script } = await p.api('POST', '/api/v1/scripts', {
      name: 'old',
      code: 'export default 1',
    });
    await p.close();
    await insertEvent(name, `script-${script.id}`, 'ScriptVersionSaved', 1, {
      scriptId: script.id,
      version: 2,
      code: 'export default 2',
      language: null,
      dependencies: null,
      secrets: null,
      timeoutMs: 30000,
      memoryMb: 256,
      network: null,
    });

    p = await startPlatform(name, {
      roles: ['api'],
      fresh: false,
      config: { databaseUrl: testDatabaseUrl(name) },
    });
    try {
      const healed = await p.api('GET', `/api/v1/scripts/${script.id}`);
      expect(healed.status).toBe(200);
      expect(healed.body).toMatchObject({
        latestVersion: 2,
        code: 'export default 2',
        language: 'typescript',
        dependencies: {},
        secrets: [],
        network: 'egress',
        maxAttempts: 1,
        notifyUrl: null,
      });
      // Later events are projected, and the healed version is a sound base for the next one.
      const saved = await p.api('PUT', `/api/v1/scripts/${script.id}`, { code: 'export default 3' });
      expect(saved.status).toBe(200);
      expect(saved.body).toMatchObject({ latestVersion: 3, network: 'egress', secrets: [] });
      const created = await p.api('POST', '/api/v1/scripts', { name: 'new', code: 'export default 4' });
      expect(created.status).toBe(201);
      expect((await p.api('GET', `/api/v1/scripts/${created.body.id}`)).status).toBe(200);
      const events = await p.api('GET', `/api/v1/events?stream=script-${script.id}`);
      expect(events.body.items.map((e: any) => [e.type, e.schemaVersion])).toEqual([
        ['ScriptCreated', 1],
        ['ScriptVersionSaved', 2],
        ['ScriptVersionSaved', 2], // read through the upcaster
        ['ScriptVersionSaved', 2],
      ]);
    } finally {
      await p.close();
    }
  });

  describe('a projection that cannot apply an event', () => {
    const name = 'stuck_projection';
    let p: TestPlatform;
    let position: number;
    const logged: string[] = [];
    let spy: jest.SpyInstance;

    beforeAll(async () => {
      p = await startPlatform(name, { roles: ['api'] });
      spy = jest.spyOn(console, 'error').mockImplementation((...args: unknown[]) => {
        logged.push(args.map(String).join(' '));
      });
      // No projection can store a script without a name (the domain never produces one).
      position = await insertEvent(name, `script-${randomUUID()}`, 'ScriptCreated', 1, {
        scriptId: 'broken',
      });
    });
    afterAll(async () => {
      spy.mockRestore();
      await p.close();
    });

    it('makes /health degraded naming the subscription, position, event type and error', async () => {
      let health: any;
      for (let i = 0; i < 100; i++) {
        const res = await fetch(`${p.url}/health`);
        health = { status: res.status, body: await res.json() };
        if (health.status !== 200) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(health.status).toBe(503);
      expect(health.body).toMatchObject({ status: 'degraded', checks: { postgres: 'up', redis: 'up' } });
      expect(health.body.checks.subscriptions).toEqual([
        expect.objectContaining({
          subscription: 'projection:read-models',
          position,
          eventType: 'ScriptCreated',
          error: expect.stringMatching(/null value in column "name"/),
        }),
      ]);
    });

    it('a request waiting for the read models answers 503 naming the stuck subscription', async () => {
      const res = await p.api('POST', '/api/v1/scripts', { name: 'waits', code: 'export default 1' });
      expect(res.status).toBe(503);
      expect(res.body).toEqual({
        statusCode: 503,
        error: 'Service Unavailable',
        message: expect.stringMatching(/projection:read-models.*position \d+.*ScriptCreated/),
      });
    });

    it('metrics expose its failures and lag; the error is logged with backoff, not on every retry', async () => {
      const before = logged.filter((l) => l.includes('projection:read-models')).length;
      await new Promise((r) => setTimeout(r, 4000));
      const lines = logged.filter((l) => l.includes('projection:read-models'));
      expect(lines.length - before).toBeLessThanOrEqual(3);
      expect(lines.length).toBeGreaterThanOrEqual(1);
      expect(lines.length).toBeLessThanOrEqual(6);
      const metrics = await (await fetch(`${p.url}/metrics`)).text();
      const value = (metric: string) =>
        Number(
          metrics.match(
            new RegExp(`^${metric}\\{subscription="projection:read-models"\\} (\\S+)$`, 'm'),
          )?.[1],
        );
      expect(value('runlet_subscription_failures_total')).toBeGreaterThanOrEqual(2);
      expect(value('runlet_subscription_lag_events')).toBeGreaterThanOrEqual(2);
    });
  });
});
