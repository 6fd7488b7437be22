import { startPlatform, TestPlatform } from '../support/platform';

/** The API the console needs beyond the rest: list search, audit filters, a cron preview. */
describe('API endpoints the console uses', () => {
  let p: TestPlatform;
  beforeAll(async () => {
    p = await startPlatform('console_api', { roles: ['api'] });
  });
  afterAll(async () => {
    await p?.close();
  });

  it('searches scripts by name (case-insensitive, wildcards literal) and shows last run and next cron run', async () => {
    const code = 'export default async () => 1';
    const a = await p.api('POST', '/api/v1/scripts', { name: 'Billing_Report', code });
    await p.api('POST', '/api/v1/scripts', { name: 'billingXreport', code });
    await p.api('POST', '/api/v1/scripts', { name: 'emails', code });
    const found = await p.api('GET', '/api/v1/scripts?q=ing_rep');
    expect(found.status).toBe(200);
    expect(found.body.items.map((s: any) => s.name)).toEqual(['Billing_Report']);
    expect(found.body.items[0]).toMatchObject({ lastExecution: null, nextRunAt: null });
    const cron = await p.api('POST', `/api/v1/scripts/${a.body.id}/triggers`, {
      type: 'cron',
      schedule: '0 9 * * *',
      timezone: 'Asia/Tokyo',
    });
    const listed = (await p.api('GET', '/api/v1/scripts?q=billing_')).body.items[0];
    expect(listed.nextRunAt).toBe(cron.body.nextRunAt);
  });

  it("filters the audit log by one request's correlation id and by event id", async () => {
    const made = await p.api(
      'POST',
      '/api/v1/scripts',
      { name: 'correlated', code: 'export default async () => 2' },
      { 'x-correlation-id': 'console-corr-1' },
    );
    const page = await p.api('GET', '/api/v1/events?correlationId=console-corr-1');
    expect(page.status).toBe(200);
    expect(page.body.items.map((e: any) => e.type)).toEqual(
      expect.arrayContaining(['ScriptCreated', 'ScriptVersionSaved']),
    );
    expect(page.body.items.every((e: any) => e.metadata.correlationId === 'console-corr-1')).toBe(true);
    expect(page.body.items.every((e: any) => e.data.scriptId === made.body.id)).toBe(true);
    const one = await p.api('GET', `/api/v1/events?eventId=${page.body.items[0].eventId}`);
    expect(one.body.items).toHaveLength(1);
    expect((await p.api('GET', '/api/v1/events?eventId=nope')).status).toBe(400);
    expect((await p.api('GET', '/api/v1/events?from=yesterday')).status).toBe(400);
    const future = new Date(Date.now() + 3600_000).toISOString();
    expect((await p.api('GET', `/api/v1/events?from=${future}`)).body.items).toEqual([]);
  });

  it('previews a cron schedule in a time zone and explains an invalid one', async () => {
    const ok = await p.api('POST', '/api/v1/schedules/preview', {
      schedule: '30 9 * * 1-5',
      timezone: 'Asia/Tokyo',
    });
    expect(ok.status).toBe(200);
    expect(ok.body.nextRuns).toHaveLength(5);
    for (const run of ok.body.nextRuns) {
      const local = new Date(run).toLocaleString('en-GB', { timeZone: 'Asia/Tokyo', hour12: false });
      expect(local).toMatch(/09:30:00$/);
    }
    const bad = await p.api('POST', '/api/v1/schedules/preview', { schedule: '0 61 * * *' });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/minute|61/i);
    const zone = await p.api('POST', '/api/v1/schedules/preview', {
      schedule: '* * * * *',
      timezone: 'Mars/Base',
    });
    expect(zone.status).toBe(400);
  });
});
