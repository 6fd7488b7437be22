import { CloudWatchLogsClient, GetLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { randomUUID } from 'node:crypto';
import { loadLogsConfig, scriptStreamName } from '@runlet/logs';
import { MotoServer } from '@runlet/testing';
import { createBuiltScript, startPlatform, TestPlatform } from './support/platform';

process.env.AWS_ACCESS_KEY_ID ??= 'test';
process.env.AWS_SECRET_ACCESS_KEY ??= 'test';
const GROUP = '/runlet/e2e';

describe('log search over HTTP, and the executor copying lines to the moto stand-in for CloudWatch (platform on real PostgreSQL, Redis, bwrap)', () => {
  let p: TestPlatform;
  let moto: MotoServer;
  let cloudwatch: CloudWatchLogsClient;

  beforeAll(async () => {
    moto = await MotoServer.start();
    const logs = loadLogsConfig({
      RUNLET_LOG_SINK: 'cloudwatch',
      RUNLET_CLOUDWATCH_LOG_GROUP: GROUP,
      AWS_REGION: 'us-east-1',
      AWS_ENDPOINT_URL_CLOUDWATCH_LOGS: moto.endpoint,
    });
    cloudwatch = new CloudWatchLogsClient({ region: 'us-east-1', endpoint: moto.endpoint });
    p = await startPlatform('log_search', { roles: ['api', 'builder', 'executor'], config: { logs } });
  });
  afterAll(async () => {
    await p?.close();
    cloudwatch?.destroy();
    await moto?.stop();
  });

  it('searches one execution and one script by text, level and time; answers 400 naming a bad parameter', async () => {
    const id = await createBuiltScript(p, {
      name: 'chatty',
      code: `export default async function (event, ctx) {
  for (let i = 0; i < 20; i++) {
    if (i % 5 === 0) ctx.log.error('payment TIMEOUT at step ' + i);
    else ctx.log.info('step ' + i + ' ok (100%)');
  }
  if (event.input?.slow) await new Promise((r) => setTimeout(r, 300));
  ctx.log.warn('done ' + (event.input?.slow ? 'slowly' : 'quickly'));
  return 1;
}`,
    });
    const before = new Date().toISOString();
    const quick = await p.api('POST', `/api/v1/scripts/${id}/runs`, { wait: true });
    const slow = await p.api('POST', `/api/v1/scripts/${id}/runs`, { input: { slow: true }, wait: true });
    expect([quick.body.status, slow.body.status]).toEqual(['succeeded', 'succeeded']);

    const found = await p.api(
      'GET',
      `/api/v1/executions/${quick.body.id}/logs?q=payment%20timeout&level=error`,
    );
    expect(found.status).toBe(200);
    expect(found.body.items.map((l: any) => l.message)).toEqual(
      [0, 5, 10, 15].map((i) => `payment TIMEOUT at step ${i}`),
    );
    const literal = await p.api(
      'GET',
      `/api/v1/executions/${quick.body.id}/logs?q=${encodeURIComponent('(100%)')}&limit=3`,
    );
    expect(literal.body.items.map((l: any) => l.message)).toEqual([
      'step 1 ok (100%)',
      'step 2 ok (100%)',
      'step 3 ok (100%)',
    ]);
    const after = await p.api(
      'GET',
      `/api/v1/executions/${quick.body.id}/logs?q=${encodeURIComponent('(100%)')}&after=${literal.body.nextCursor}&limit=1`,
    );
    expect(after.body.items.map((l: any) => l.message)).toEqual(['step 4 ok (100%)']);

    const script = await p.api(
      'GET',
      `/api/v1/scripts/${id}/logs?level=warn&from=${before}&to=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`,
    );
    expect(script.status).toBe(200);
    expect(script.body.items).toEqual([
      expect.objectContaining({
        executionId: slow.body.id,
        level: 'warn',
        message: 'done slowly',
        seq: 21,
        stream: expect.any(String),
        ts: expect.any(String),
      }),
      expect.objectContaining({
        executionId: quick.body.id,
        level: 'warn',
        message: 'done quickly',
        seq: 21,
      }),
    ]);
    const paged = await p.api('GET', `/api/v1/scripts/${id}/logs?q=timeout&limit=5`);
    expect(paged.body.items).toHaveLength(5);
    const rest = await p.api(
      'GET',
      `/api/v1/scripts/${id}/logs?q=timeout&limit=5&cursor=${paged.body.nextCursor}`,
    );
    expect(rest.body.items).toHaveLength(3);
    expect(rest.body.nextCursor).toBeNull();

    const bad: [string, string][] = [
      [
        `/api/v1/scripts/${id}/logs?level=fatal`,
        'level must be one or more of debug, info, warn, error (comma-separated), got "fatal"',
      ],
      [
        `/api/v1/scripts/${id}/logs?from=2025-02-01&to=2025-01-01`,
        'from (2025-02-01T00:00:00.000Z) must not be after to (2025-01-01T00:00:00.000Z)',
      ],
      [
        `/api/v1/scripts/${id}/logs?from=yesterday`,
        'from must be an ISO-8601 date (2025-01-31) or date-time with a time zone (2025-01-31T12:00:00Z), got "yesterday"',
      ],
      [`/api/v1/scripts/${id}/logs?cursor=garbage`, 'cursor is not a nextCursor returned by this endpoint'],
      [
        `/api/v1/executions/${quick.body.id}/logs?level=loud`,
        'level must be one or more of debug, info, warn, error (comma-separated), got "loud"',
      ],
      [
        `/api/v1/executions/${quick.body.id}/logs?to=2025-13-01`,
        'to must be an ISO-8601 date (2025-01-31) or date-time with a time zone (2025-01-31T12:00:00Z), got "2025-13-01"',
      ],
    ];
    for (const [path, message] of bad) {
      const res = await p.api('GET', path);
      expect({ path, status: res.status, message: res.body.message }).toEqual({ path, status: 400, message });
    }
    expect((await p.api('GET', `/api/v1/scripts/${randomUUID()}/logs`)).status).toBe(404);

    // The executor copied both executions' lines (the quick one's stored with its outcome, the slow one's as written) to the script's stream.
    const deadline = Date.now() + 30_000;
    let events: any[] = [];
    while (Date.now() < deadline) {
      const page = await cloudwatch
        .send(
          new GetLogEventsCommand({
            logGroupName: GROUP,
            logStreamName: scriptStreamName(id),
            startFromHead: true,
          }),
        )
        .catch(() => ({ events: [] }));
      events = (page.events ?? []).map((e: any) => JSON.parse(e.message));
      if (events.length >= 42) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    for (const run of [quick.body, slow.body]) {
      const stored = (await p.api('GET', `/api/v1/executions/${run.id}/logs`)).body.items;
      expect(stored).toHaveLength(21);
      const copied = events.filter((e) => e.executionId === run.id);
      expect(copied).toEqual(
        stored.map(({ seq, level, stream, message }: any) => ({
          executionId: run.id,
          seq,
          level,
          stream,
          message,
        })),
      );
    }
  });
});
