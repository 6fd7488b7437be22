import { createBuiltScript, startPlatform, TestPlatform } from './support/platform';

/**
 * The filters the console's lists send to the API (platform on real PostgreSQL, Redis, bwrap):
 * executions by status, trigger type and queued time, the audit log and a script's history by
 * type, stream and time, each over every page, not one; and a try-out followed live.
 */
describe('list filters and live try-outs over the API', () => {
  let p: TestPlatform;
  let scriptId = '';
  const ids = { succeeded: [] as string[], failed: [] as string[], tries: [] as string[] };

  /** Every item of a list, page after page of `limit`, with the number of pages. */
  async function all(path: string, limit: number) {
    const items: any[] = [];
    let pages = 0;
    let cursor: string | null = null;
    do {
      const sep = path.includes('?') ? '&' : '?';
      const res = await p.api('GET', `${path}${sep}limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.status).toBe(200);
      items.push(...res.body.items);
      cursor = res.body.nextCursor;
      pages += 1;
    } while (cursor);
    return { items, pages };
  }

  beforeAll(async () => {
    p = await startPlatform('list_filters', { roles: ['api', 'builder', 'executor'] });
    scriptId = await createBuiltScript(p, {
      name: 'sometimes-fails',
      code: `export default async (event) => {
  if (event.input?.fail) throw new Error('asked to fail');
  return 'ok';
}`,
    });
    for (const fail of [false, true, false, true, false, true, false]) {
      const run = await p.api('POST', `/api/v1/scripts/${scriptId}/runs`, { input: { fail }, wait: true });
      ids[fail ? 'failed' : 'succeeded'].push(run.body.id);
    }
    for (let i = 0; i < 2; i++) {
      const tried = await p.api('POST', '/api/v1/try', { code: 'export default async () => 1' });
      ids.tries.push(tried.body.id);
    }
  });
  afterAll(() => p?.close());

  it('lists executions by status over every page, not only within the first one', async () => {
    const failed = await all('/api/v1/executions?status=failed', 2);
    expect(failed.pages).toBe(2);
    expect(failed.items.map((e) => e.id).sort()).toEqual([...ids.failed].sort());
    expect(failed.items.every((e) => e.status === 'failed')).toBe(true);
    const succeededOfScript = await all(`/api/v1/executions?scriptId=${scriptId}&status=succeeded`, 3);
    expect(succeededOfScript.items.map((e) => e.id).sort()).toEqual([...ids.succeeded].sort());
  });

  it('lists executions by trigger type, and by the time they were queued', async () => {
    const tries = await all('/api/v1/executions?triggerType=try', 1);
    expect(tries.items.map((e) => e.id).sort()).toEqual([...ids.tries].sort());
    const manual = await all('/api/v1/executions?triggerType=manual&status=failed', 50);
    expect(manual.items.map((e) => e.id).sort()).toEqual([...ids.failed].sort());

    const everything = (await all('/api/v1/executions', 500)).items; // newest first
    expect(everything).toHaveLength(9);
    const pivot = everything[4];
    const from = await all(`/api/v1/executions?from=${encodeURIComponent(pivot.queuedAt)}`, 2);
    expect(from.items.map((e) => e.id)).toEqual(
      everything.filter((e) => e.queuedAt >= pivot.queuedAt).map((e) => e.id),
    );
    const before = await all(`/api/v1/executions?to=${encodeURIComponent(pivot.queuedAt)}`, 2);
    expect(before.items.map((e) => e.id)).toEqual(
      everything.filter((e) => e.queuedAt < pivot.queuedAt).map((e) => e.id),
    );
    expect(from.items.length + before.items.length).toBe(9);
    const future = await p.api('GET', '/api/v1/executions?from=2999-01-01');
    expect(future.body).toEqual({ items: [], nextCursor: null });
  });

  it.each([
    ['status=done', 'status must be one of the following values: queued, running'],
    ['triggerType=webhook', 'triggerType must be one of the following values: http, cron, manual, try'],
    ['from=yesterday', 'from must be an ISO-8601 date (2025-01-31) or date-time with a time zone'],
    ['to=2025-02-30', 'to must be an ISO-8601 date'],
    ['from=2025-02-01&to=2025-01-01', 'from (2025-02-01T00:00:00.000Z) must not be after to'],
  ])('refuses executions?%s with a 400 that says why', async (query, message) => {
    const res = await p.api('GET', `/api/v1/executions?${query}`);
    expect(res.status).toBe(400);
    expect(res.body.message).toContain(message);
  });

  it("filters the audit log and a script's history by type, stream and time on the server", async () => {
    const failedEvents = await p.api('GET', '/api/v1/events?type=ExecutionFailed&limit=2');
    expect(failedEvents.body.items.map((e: any) => e.type)).toEqual(['ExecutionFailed', 'ExecutionFailed']);
    const rest = await p.api(
      'GET',
      `/api/v1/events?type=ExecutionFailed&after=${failedEvents.body.nextCursor}`,
    );
    expect(rest.body.items.map((e: any) => e.type)).toEqual(['ExecutionFailed']);

    const history = `/api/v1/scripts/${scriptId}/history`;
    const queued = await p.api('GET', `${history}?type=ExecutionQueued,ExecutionFailed&limit=1000`);
    expect(queued.status).toBe(200);
    expect(queued.body.items.filter((e: any) => e.type === 'ExecutionQueued')).toHaveLength(7);
    expect(queued.body.items.filter((e: any) => e.type === 'ExecutionFailed')).toHaveLength(3);
    expect(queued.body.items).toHaveLength(10);
    const stream = `execution-${ids.failed[0]}`;
    const ofStream = await p.api('GET', `${history}?stream=${stream}`);
    expect(ofStream.body.items.map((e: any) => e.type)).toEqual([
      'ExecutionQueued',
      'ExecutionStarted',
      'ExecutionFailed',
    ]);
    const created = (await p.api('GET', `${history}?type=ScriptCreated`)).body.items[0];
    const after = await p.api('GET', `${history}?to=${encodeURIComponent(created.recordedAt)}`);
    expect(after.body.items).toEqual([]);
    const since = await p.api('GET', `${history}?from=${encodeURIComponent(created.recordedAt)}&limit=1`);
    expect(since.body.items.map((e: any) => e.type)).toEqual(['ScriptCreated']);
  });

  it.each([
    [
      'events?type=ExecutionFailed,ExecutionExploded',
      'type must be one or more event types',
      '"ExecutionExploded"',
    ],
    ['events?from=last week', 'from must be an ISO-8601 date', '"last week"'],
    ['events?from=2025-02-01&to=2025-01-01', 'must not be after to', 'from'],
    ['scripts/:id/history?type=Nope', 'type must be one or more event types', '"Nope"'],
  ])('refuses %s with a 400 that names the value', async (path, message, value) => {
    const res = await p.api('GET', `/api/v1/${path.replace(':id', scriptId)}`);
    expect(res.status).toBe(400);
    expect(res.body.message).toContain(message);
    expect(res.body.message).toContain(value);
  });

  it('POST /try with wait: false answers the id at once; its log lines stream while it runs', async () => {
    const res = await p.api('POST', '/api/v1/try', {
      code: `export default async (event, ctx) => {
  ctx.log.info('first line');
  await new Promise((resolve) => setTimeout(resolve, 60_000));
  return 'never';
}`,
      timeoutMs: 120_000,
      wait: false,
    });
    expect(res.status).toBe(202);
    expect(Object.keys(res.body)).toEqual(['executionId']);
    const id = res.body.executionId;
    const stream = await fetch(`${p.url}/api/v1/executions/${id}/logs/stream`, {
      headers: { authorization: `Bearer ${p.adminKey}` },
    });
    expect(stream.headers.get('content-type')).toContain('text/event-stream');
    const reader = stream.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    let statusAtFirstLine = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
      if (!statusAtFirstLine && text.includes('first line')) {
        // The script waits a minute after this line: it can only be running now. Cancel it.
        statusAtFirstLine = (await p.api('GET', `/api/v1/executions/${id}`)).body.status;
        expect((await p.api('POST', `/api/v1/executions/${id}/cancel`)).status).toBe(202);
      }
      if (text.includes('event: end')) break;
    }
    await reader.cancel();
    expect(statusAtFirstLine).toBe('running');
    expect((await p.api('GET', `/api/v1/executions/${id}`)).body).toMatchObject({
      status: 'cancelled',
      trigger: { type: 'try' },
    });
  });

  it('POST /try with wait: false on code that does not build: the id, and the failed execution', async () => {
    const res = await p.api('POST', '/api/v1/try', {
      code: 'export default () => {\n  const = 1;\n}',
      wait: false,
    });
    expect(res.status).toBe(202);
    const execution = await p.api('GET', `/api/v1/executions/${res.body.executionId}`);
    expect(execution.body.status).toBe('failed');
    expect(execution.body.error.message).toMatch(/^build failed: /);
    const logs = await p.api('GET', `/api/v1/executions/${res.body.executionId}/logs`);
    expect(logs.body.items[0]).toMatchObject({ level: 'error', stream: 'system' });
  });
});
