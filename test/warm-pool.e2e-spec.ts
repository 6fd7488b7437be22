import { createBuiltScript, startPlatform, TestPlatform } from './support/platform';

/** The value of one sample of the executor's /metrics (0 when absent). */
async function metric(p: TestPlatform, name: string, labels = ''): Promise<number> {
  const text = (await p.api('GET', '/metrics')).body as string;
  const escaped = `${name}${labels ? `{${labels}}` : ''}`.replace(/[{}"]/g, (c) => `\\${c}`);
  const match = new RegExp(`^${escaped} (\\S+)$`, 'm').exec(text);
  return match ? Number(match[1]) : 0;
}

async function until(condition: () => Promise<boolean>): Promise<void> {
  while (!(await condition())) await new Promise((r) => setTimeout(r, 100));
}

describe('warm pool on the executor: prewarmed on deploy, seen in /metrics', () => {
  let p: TestPlatform;
  beforeAll(async () => {
    p = await startPlatform('warm_pool', { roles: ['api', 'builder', 'executor'] });
  });
  afterAll(() => p.close());

  it('a deployed version has warm sandboxes before its first run, which is served by one of them', async () => {
    const id = await createBuiltScript(p, {
      name: 'warm',
      code: `export default async () => ({ ok: true })`,
      network: 'none',
    });
    const idle = `script_id="${id}",version="1",state="idle"`;
    await until(async () => (await metric(p, 'runlet_pool_instances', idle)) >= 1);
    expect(await metric(p, 'runlet_pool_cold_starts_total')).toBe(0);

    const run = await p.api('POST', `/api/v1/scripts/${id}/runs`, { wait: true });
    expect(run.body).toMatchObject({ status: 'succeeded', result: { ok: true } });
    expect(await metric(p, 'runlet_pool_hits_total')).toBe(1);
    expect(await metric(p, 'runlet_pool_cold_starts_total')).toBe(0);
    expect(await metric(p, 'runlet_pool_memory_mb')).toBeGreaterThan(0);
    expect(await metric(p, 'runlet_pool_memory_mb')).toBeLessThanOrEqual(
      await metric(p, 'runlet_pool_memory_budget_mb'),
    );
    expect(await metric(p, 'runlet_sandboxes')).toBeLessThanOrEqual(p.config.executor.concurrency);
  });
});
