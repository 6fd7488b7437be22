import { Client } from 'pg';
import { createBuiltScript, startPlatform, TestPlatform } from './support/platform';
import { ensureBuilt, startRoleProcess, stopRoleProcesses } from './support/role-process';

/** Polls `probe` until it returns a value (not undefined) or `timeoutMs` passes. */
async function eventually<T>(
  probe: () => Promise<T | undefined>,
  what: string,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

// Each role in its own process, as Kubernetes runs them: every role projects the read models it
// reads, so none depends on an api process being there.
describe('roles in separate processes (real processes, PostgreSQL, Redis, bwrap)', () => {
  it('api, builder, executor and scheduler in four processes: builds, runs with wait, sync webhooks and cron ticks', async () => {
    ensureBuilt();
    const p: TestPlatform = await startPlatform('four_roles', { roles: ['api'] });
    const workers = (['builder', 'executor', 'scheduler'] as const).map((role) =>
      startRoleProcess(p, [role]),
    );
    try {
      const id = await createBuiltScript(p, {
        name: 'four',
        code: `import dayjs from 'dayjs';\nexport default (event) => ({ type: event.trigger.type, year: dayjs('2026-01-01').year() })`,
      });
      const run = await p.api('POST', `/api/v1/scripts/${id}/runs`, { wait: true });
      expect(run.body).toMatchObject({ status: 'succeeded', result: { type: 'manual', year: 2026 } });

      const hook = (await p.api('POST', `/api/v1/scripts/${id}/triggers`, { type: 'http' })).body;
      const res = await fetch(`${p.url}/hooks/${hook.id}`, { method: 'POST', body: '{}' });
      expect([res.status, await res.json()]).toEqual([200, { type: 'http', year: 2026 }]);

      const cron = (
        await p.api('POST', `/api/v1/scripts/${id}/triggers`, { type: 'cron', schedule: '* * * * * *' })
      ).body;
      const ticks = await eventually(async () => {
        const list = await p.api('GET', `/api/v1/executions?triggerId=${cron.id}&status=succeeded`);
        return list.body.items.length >= 2 ? list.body.items : undefined;
      }, 'two succeeded cron executions');
      expect(ticks[0]).toMatchObject({ status: 'succeeded', result: { type: 'cron', year: 2026 } });
    } finally {
      await stopRoleProcesses(workers);
      await p.close();
    }
  });

  it('with no api process at all, a new version is built and deployed and its cron trigger fires and records executions', async () => {
    ensureBuilt();
    // The api process only records the script and its trigger, and is gone before anything is built.
    const p = await startPlatform('no_api', { roles: ['api'] });
    const script = (
      await p.api('POST', '/api/v1/scripts', { name: 'headless', code: 'export default () => 42' })
    ).body;
    const cron = (
      await p.api('POST', `/api/v1/scripts/${script.id}/triggers`, { type: 'cron', schedule: '* * * * * *' })
    ).body;
    expect(cron.id).toEqual(expect.any(String));
    await p.close();

    const workers = (['builder', 'executor', 'scheduler'] as const).map((role) =>
      startRoleProcess(p, [role]),
    );
    const pg = new Client({ connectionString: p.config.databaseUrl });
    await pg.connect();
    try {
      // The scheduler fires only what the read models show deployed: they must be projected without the api.
      const recorded = await eventually(async () => {
        const { rows } = await pg.query(
          `SELECT id, status FROM rm_executions WHERE trigger_id = $1 AND status = 'succeeded'`,
          [cron.id],
        );
        return rows.length >= 2 ? rows : undefined;
      }, 'two succeeded cron executions in the read models');
      expect(recorded.length).toBeGreaterThanOrEqual(2);
      const { rows: outcomes } = await pg.query(
        `SELECT data FROM events WHERE stream_id = $1 AND event_type = 'ExecutionSucceeded'`,
        [`execution-${recorded[0].id}`],
      );
      expect(outcomes).toHaveLength(1);
      expect(outcomes[0].data.result).toBe(42);
      const { rows: scripts } = await pg.query(`SELECT deployed_version FROM rm_scripts WHERE id = $1`, [
        script.id,
      ]);
      expect(scripts).toEqual([{ deployed_version: 1 }]);
    } finally {
      await pg.end();
      await stopRoleProcesses(workers);
    }
  });
});
