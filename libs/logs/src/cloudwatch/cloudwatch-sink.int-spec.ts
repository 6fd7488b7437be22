import { randomUUID } from 'node:crypto';
import { CloudWatchLogsClient, GetLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { register } from 'prom-client';
import type { Database } from '@runlet/event-store';
import { freshDatabase, MotoServer, REDIS_URL } from '@runlet/testing';
import { LogStore, logsMigrations } from '..';
import { scriptStreamName } from './cloudwatch-batches';
import { createCloudWatchClient } from './cloudwatch-client';
import { CloudWatchLogSink } from './cloudwatch-sink';

process.env.AWS_ACCESS_KEY_ID ??= 'test';
process.env.AWS_SECRET_ACCESS_KEY ??= 'test';
const GROUP = '/runlet/test';

/** Every event of a stream, from the head (GetLogEvents pages until the token stops moving). */
async function streamLines(client: CloudWatchLogsClient, scriptId: string) {
  const lines: { executionId: string; seq: number; message: string; timestamp: number }[] = [];
  let nextToken: string | undefined;
  for (;;) {
    const page = await client.send(
      new GetLogEventsCommand({
        logGroupName: GROUP,
        logStreamName: scriptStreamName(scriptId),
        startFromHead: true,
        nextToken,
      }),
    );
    for (const e of page.events ?? []) lines.push({ ...JSON.parse(e.message!), timestamp: e.timestamp! });
    if (!page.events?.length || page.nextForwardToken === nextToken) return lines;
    nextToken = page.nextForwardToken;
  }
}

async function droppedMetric(reason: string): Promise<number> {
  const metric = (await register.getMetricsAsJSON()).find(
    (m) => m.name === 'runlet_log_export_dropped_lines_total',
  );
  const value = (metric?.values ?? []).find(
    (v: any) => v.labels.reason === reason && v.labels.sink === 'cloudwatch',
  );
  return Number(value?.value ?? 0);
}

const until = async (check: () => Promise<boolean>, ms = 60_000) => {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 100));
  }
};

describe('CloudWatch Logs sink against the moto stand-in for CloudWatch (real SDK, real PostgreSQL)', () => {
  let db: Database;
  let moto: MotoServer;
  let client: CloudWatchLogsClient;

  beforeAll(async () => {
    db = await freshDatabase('logs_cloudwatch', logsMigrations);
    moto = await MotoServer.start();
    client = createCloudWatchClient({
      logGroup: GROUP,
      region: 'us-east-1',
      endpoint: moto.endpoint,
      bufferLines: 0,
    });
  });
  afterAll(async () => {
    client?.destroy();
    await moto?.stop();
    await db?.close();
  });

  it('moto stand-in for CloudWatch: 25,000 lines of one execution arrive complete and in order in the script’s stream, in at least three batches', async () => {
    const sink = new CloudWatchLogSink({ client, logGroup: GROUP });
    const store = new LogStore(db, REDIS_URL);
    store.exportTo(sink);
    const scriptId = randomUUID();
    const executionId = randomUUID();
    const start = Date.now() - 60_000;
    for (let seq = 0; seq < 25_000; seq++) {
      // Many lines share a millisecond, as a chatty script's do.
      const ts = new Date(start + Math.floor(seq / 10)).toISOString();
      store.write(
        executionId,
        { seq, ts, level: 'info', stream: 'stdout', message: `line ${seq} ✓` },
        scriptId,
      );
    }
    store.write(randomUUID(), {
      seq: 0,
      ts: new Date().toISOString(),
      level: 'info',
      stream: 'stdout',
      message: 'try-out',
    }); // no script: not sent
    await store.flush();
    await sink.flush();

    const lines = await streamLines(client, scriptId);
    expect(lines).toHaveLength(25_000);
    expect(lines.map((l) => l.seq)).toEqual([...Array(25_000).keys()]);
    expect(lines.every((l) => l.executionId === executionId && l.message === `line ${l.seq} ✓`)).toBe(true);
    expect(lines[24_999].timestamp).toBe(start + 2499);
    const stats = sink.stats();
    expect(stats.sentBatches).toBeGreaterThanOrEqual(3);
    expect(stats).toMatchObject({
      sentLines: 25_000,
      buffered: 0,
      dropped: { buffer_full: 0, rejected: 0, shutdown: 0 },
    });
    await store.close();
  });

  it('moto stand-in for CloudWatch: stopped for 10 s during a burst, then back (empty): the buffered lines arrive, only the lines past the bound are dropped and reported', async () => {
    const bound = 3000;
    const logs: string[] = [];
    const sink = new CloudWatchLogSink({
      client,
      logGroup: GROUP,
      maxBufferedLines: bound,
      initialBackoffMs: 100,
      maxBackoffMs: 1000,
      log: (m) => logs.push(m),
    });
    const store = new LogStore(db, REDIS_URL);
    store.exportTo(sink);
    const scriptId = randomUUID();
    const executionId = randomUUID();
    let seq = 0;
    const write = (n: number) => {
      for (let i = 0; i < n; i++, seq++) {
        store.write(
          executionId,
          { seq, ts: new Date().toISOString(), level: 'info', stream: 'stdout', message: `burst ${seq}` },
          scriptId,
        );
      }
    };
    const droppedBefore = await droppedMetric('buffer_full');

    write(500);
    await store.flush();
    await sink.flush();
    expect(await streamLines(client, scriptId)).toHaveLength(500);

    await moto.stop();
    // 5,000 lines over 10 s while CloudWatch is unreachable: 3,000 fit the buffer.
    for (let tick = 0; tick < 20; tick++) {
      write(250);
      await new Promise((r) => setTimeout(r, 500));
    }
    await store.flush();
    expect(sink.stats().buffered).toBe(bound);
    await moto.restart(); // a new moto: no group, no stream, no lines

    await until(async () => sink.stats().buffered === 0);
    write(10); // and lines keep flowing after the outage
    await store.flush();
    await sink.flush();

    const arrived = (await streamLines(client, scriptId)).map((l) => l.seq);
    const expected = [...Array(bound).keys()]
      .map((i) => 500 + i)
      .concat([...Array(10).keys()].map((i) => 5500 + i));
    expect(arrived).toEqual(expected);
    expect(sink.stats().dropped.buffer_full).toBe(2000);
    expect((await droppedMetric('buffer_full')) - droppedBefore).toBe(2000);
    expect(logs.some((m) => m.includes('dropping log lines: buffer full (3000 lines'))).toBe(true);
    expect(logs.some((m) => m.includes('dropped 2000 lines (buffer_full)'))).toBe(true);
    // The database kept every line.
    expect((await store.read(executionId, { limit: 5000 })).items).toHaveLength(5000);
    await store.close();
  });
});
