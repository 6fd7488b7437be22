import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { ExecutionRequests } from '@runlet/executions';
import { REDIS_URL } from './support/database';
import { recordQueuedExecution } from './support/executions';
import { startNotificationReceiver } from './support/notification-receiver';
import { tailToEnd } from './support/log-stream';
import { createBuiltScript, startPlatform, TestPlatform, waitForBuild } from './support/platform';

describe('manual runs, logs, live tail, cancel and replay (platform on real PostgreSQL, Redis, npm, bwrap)', () => {
  let p: TestPlatform;
  beforeAll(async () => {
    p = await startPlatform('runs', { roles: ['api', 'builder', 'executor'] });
  });
  afterAll(() => p.close());

  it('a script with an npm dependency runs with wait and returns its value; logs come back in order with levels', async () => {
    const id = await createBuiltScript(p, {
      name: 'with-dayjs',
      code: `import dayjs from 'dayjs';
export default async function (event, ctx) {
  ctx.log.debug('starting');
  console.log('input is', event.input.n);
  ctx.log.warn('about to format');
  return { formatted: dayjs('2024-02-03T04:05:06Z').format('YYYY/MM/DD'), n: event.input.n * 2, version: ctx.version };
}`,
      dependencies: { dayjs: '1.11.10' },
    });
    const res = await p.api('POST', `/api/v1/scripts/${id}/runs`, { input: { n: 21 }, wait: true });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      status: 'succeeded',
      result: { formatted: '2024/02/03', n: 42, version: 1 },
      trigger: { type: 'manual' },
      attempt: 1,
      input: { n: 21 },
      scriptId: id,
      version: 1,
    });
    expect(res.body.durationMs).toEqual(expect.any(Number));
    const logs = await p.api('GET', `/api/v1/executions/${res.body.id}/logs`);
    expect(logs.body.items.map((l: any) => [l.level, l.message])).toEqual([
      ['debug', 'starting'],
      ['info', 'input is 21'],
      ['warn', 'about to format'],
    ]);
    const page = await p.api('GET', `/api/v1/executions/${res.body.id}/logs?limit=1`);
    expect(page.body.items).toHaveLength(1);
    const rest = await p.api('GET', `/api/v1/executions/${res.body.id}/logs?after=${page.body.nextCursor}`);
    expect(rest.body.items.map((l: any) => l.message)).toEqual(['input is 21', 'about to format']);

    const list = await p.api('GET', `/api/v1/executions?scriptId=${id}&status=succeeded`);
    expect(list.body.items.map((e: any) => e.id)).toContain(res.body.id);
  });

  it('a run right after a new version is deployed runs that version', async () => {
    const id = await createBuiltScript(p, { name: 'versioned', code: 'export default () => 1' });
    const first = await p.api('POST', `/api/v1/scripts/${id}/runs`, { wait: true });
    expect(first.body).toMatchObject({ version: 1, result: 1 });
    const saved = await p.api('PUT', `/api/v1/scripts/${id}`, {
      code: 'export default () => 2',
      expectedVersion: 1,
    });
    expect(saved.status).toBe(200);
    await waitForBuild(p, id, 2);
    const second = await p.api('POST', `/api/v1/scripts/${id}/runs`, { wait: true });
    expect(second.body).toMatchObject({ version: 2, result: 2 });
  });

  it("a script's notifyUrl receives its failed runs (when no trigger names one)", async () => {
    const receiver = await startNotificationReceiver();
    try {
      const notifyUrl = receiver.url;
      const bad = await p.api('POST', '/api/v1/scripts', {
        name: 'x',
        code: 'export default 1',
        notifyUrl: 'ftp://x',
      });
      expect(bad.status).toBe(400);
      const id = await createBuiltScript(p, {
        name: 'fails-with-notify',
        code: `export default () => { throw new Error('broken'); }`,
        notifyUrl,
      });
      expect((await p.api('GET', `/api/v1/scripts/${id}`)).body.notifyUrl).toBe(notifyUrl);
      const run = await p.api('POST', `/api/v1/scripts/${id}/runs`, { wait: true });
      expect(run.body.status).toBe('failed');
      await receiver.waitFor(1);
      expect(receiver.deliveries).toEqual([
        expect.objectContaining({
          event: 'execution.failed',
          executionId: run.body.id,
          scriptId: id,
          triggerId: null,
          error: expect.objectContaining({ message: 'broken' }),
        }),
      ]);
    } finally {
      receiver.close();
    }
  });

  it('without wait → 202 with the execution id; a run needs a built version', async () => {
    const id = await createBuiltScript(p, { name: 'quick', code: 'export default () => 1' });
    const res = await p.api('POST', `/api/v1/scripts/${id}/runs`, {});
    expect(res.status).toBe(202);
    expect(res.body.executionId).toEqual(expect.any(String));
    expect((await p.api('POST', `/api/v1/scripts/${id}/runs`, { version: 9 })).status).toBe(404);
  });

  it('the SSE tail of a running execution shows lines as they are written, then ends', async () => {
    const id = await createBuiltScript(p, {
      name: 'slow-logger',
      code: `export default async function () {
  for (let i = 1; i <= 3; i++) { console.log('line ' + i); await new Promise((r) => setTimeout(r, 400)); }
  return 'done';
}`,
    });
    const { body } = await p.api('POST', `/api/v1/scripts/${id}/runs`, {});
    const res = await fetch(`${p.url}/api/v1/executions/${body.executionId}/logs/stream`, {
      headers: { authorization: `Bearer ${p.adminKey}` },
    });
    if (!res.headers.get('content-type')?.includes('text/event-stream')) throw new Error(await res.text());
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    const seenWhileRunning: string[] = [];
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      text += decoder.decode(value);
      if (text.includes('line 1') && seenWhileRunning.length === 0) {
        seenWhileRunning.push((await p.api('GET', `/api/v1/executions/${body.executionId}`)).body.status);
      }
      if (text.includes('event: end')) break;
    }
    await reader.cancel();
    expect(seenWhileRunning).toEqual(['running']); // the first line arrived before the script finished
    const lines = [...text.matchAll(/data: (\{.*\})/g)].map((m) => JSON.parse(m[1])).filter((d) => d.message);
    expect(lines.map((l) => l.message)).toEqual(['line 1', 'line 2', 'line 3']);
  });

  it('finished executions leave no Redis keys behind; a tail opened after the end still gets every line, then end', async () => {
    const id = await createBuiltScript(p, {
      name: 'keyless',
      code: `export default async (event) => {
  for (let i = 1; i <= 3; i++) console.log('line ' + i);
  if (event.input.slow) await new Promise((r) => setTimeout(r, 700));
  return 'done';
}`,
    });
    const ids: string[] = [];
    for (let n = 0; n < 5; n++) {
      const run = await p.api('POST', `/api/v1/scripts/${id}/runs`, { input: { slow: false }, wait: true });
      expect(run.body.status).toBe('succeeded');
      ids.push(run.body.id);
    }
    // One that runs long enough to be recorded as running first (the path with live tails).
    const slow = await p.api('POST', `/api/v1/scripts/${id}/runs`, { input: { slow: true }, wait: true });
    expect(slow.body.status).toBe('succeeded');
    ids.push(slow.body.id);
    // A tail opened after each run is over, long after any end message went by.
    for (const executionId of ids) {
      expect(await tailToEnd(p, executionId)).toEqual(['line 1', 'line 2', 'line 3']);
    }
    const redis = new Redis(REDIS_URL);
    try {
      const left: string[] = [];
      for (const executionId of ids) {
        for await (const keys of redis.scanStream({ match: `*${executionId}*`, count: 1000 }))
          left.push(...(keys as string[]));
      }
      expect(left).toEqual([]);
    } finally {
      redis.disconnect();
    }
  });

  it('the tail of a queued execution ends when it is cancelled before it ran', async () => {
    const id = await createBuiltScript(p, { name: 'never-runs', code: 'export default () => 1' });
    const executionId = randomUUID();
    await recordQueuedExecution(p, executionId, id); // recorded, not enqueued: no executor takes it
    const lines = await tailToEnd(p, executionId, async () => {
      expect((await p.api('POST', `/api/v1/executions/${executionId}/cancel`)).status).toBe(202);
    });
    expect(lines).toEqual([]);
    expect((await p.api('GET', `/api/v1/executions/${executionId}`)).body.status).toBe('cancelled');
  });

  it('cancel stops a running execution; replay runs the same version and input again', async () => {
    const id = await createBuiltScript(p, {
      name: 'sleeper',
      code: `export default async (event) => { console.log('sleeping'); await new Promise((r) => setTimeout(r, 60000)); return event.input; }`,
    });
    const { body } = await p.api('POST', `/api/v1/scripts/${id}/runs`, { input: { keep: 'me' } });
    for (let i = 0; i < 100; i++) {
      if ((await p.api('GET', `/api/v1/executions/${body.executionId}`)).body.status === 'running') break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const cancel = await p.api('POST', `/api/v1/executions/${body.executionId}/cancel`);
    expect(cancel.status).toBe(202);
    let status = '';
    for (let i = 0; i < 100 && status !== 'cancelled'; i++) {
      status = (await p.api('GET', `/api/v1/executions/${body.executionId}`)).body.status;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(status).toBe('cancelled');
    expect((await p.api('POST', `/api/v1/executions/${body.executionId}/cancel`)).status).toBe(409);

    const replay = await p.api('POST', `/api/v1/executions/${body.executionId}/replay`);
    expect(replay.status).toBe(202);
    const again = await p.api('GET', `/api/v1/executions/${replay.body.executionId}`);
    expect(again.body).toMatchObject({ version: 1, input: { keep: 'me' }, replayOf: body.executionId });
    await p.api('POST', `/api/v1/executions/${replay.body.executionId}/cancel`);
  });

  it("a failing execution is retried by the script's policy (maxAttempts), then fails for good", async () => {
    const id = await createBuiltScript(p, {
      name: 'flaky',
      code: `export default () => { throw new Error('always'); }`,
      maxAttempts: 3,
    });
    const res = await p.api('POST', `/api/v1/scripts/${id}/runs`, { wait: true });
    expect(res.body).toMatchObject({ status: 'failed', attempt: 3, error: { message: 'always' } });
    const events = (await p.api('GET', `/api/v1/events?stream=execution-${res.body.id}`)).body.items;
    const failures = events
      .filter((e: any) => e.type === 'ExecutionFailed')
      .map((e: any) => e.data.willRetry);
    expect(failures).toEqual([true, true, false]);
    expect(events.filter((e: any) => e.type === 'ExecutionStarted')).toHaveLength(3);
  });

  it('a waiting run whose queueing cannot be recorded answers with the error and stores nothing of its run', async () => {
    const id = await createBuiltScript(p, {
      name: 'counted',
      code: `export default (event) => { console.log('run for', event.input.n); return event.input.n; }`,
    });
    // An execution id that is taken (here by a skipped execution), claimed to be new: the run
    // starts at once, and recording it with its outcome conflicts.
    const executionId = randomUUID();
    await recordQueuedExecution(p, executionId, id, [
      { type: 'ExecutionSkipped', data: { executionId, scriptId: id, reason: 'test' } },
    ]);
    await expect(
      p.app
        .get(ExecutionRequests)
        .queueAndWait(
          { executionId, scriptId: id, version: 1, trigger: { type: 'manual' }, input: { n: 2 } },
          { actor: 'test', correlationId: executionId, causationId: null },
          { newId: true, waitMs: 10_000 },
        ),
    ).rejects.toThrow(/already exists/);
    const events = (await p.api('GET', `/api/v1/events?stream=execution-${executionId}`)).body.items;
    expect(events.map((e: any) => e.type)).toEqual(['ExecutionQueued', 'ExecutionSkipped']);
    expect((await p.api('GET', `/api/v1/executions/${executionId}/logs`)).body.items).toEqual([]);
  });
});
