import { signatureHeader } from '../apps/api/src/webhooks/http';
import { startNotificationReceiver } from './support/notification-receiver';
import { createBuiltScript, startPlatform, TestPlatform, waitForBuild } from './support/platform';

const ECHO = `export default async function (event, ctx) {
  ctx.log.info('webhook', event.http.method);
  return {
    status: 201,
    headers: { 'x-a': '1' },
    body: { method: event.http.method, path: event.http.path, body: event.http.body, query: event.http.query,
            custom: event.http.headers['x-custom'] ?? null, sawAuth: 'authorization' in event.http.headers,
            raw: event.http.rawBody, trigger: event.trigger },
  };
}`;

describe('webhooks end to end (platform on real PostgreSQL, Redis, npm, bwrap)', () => {
  let p: TestPlatform;
  let scriptId: string;
  const hook = (id: string, path = '', init: RequestInit = {}) => fetch(`${p.url}/hooks/${id}${path}`, init);
  const createTrigger = async (body: Record<string, unknown>) => {
    const res = await p.api('POST', `/api/v1/scripts/${scriptId}/triggers`, { type: 'http', ...body });
    expect(res.status).toBe(201);
    return res.body;
  };

  beforeAll(async () => {
    p = await startPlatform('webhooks', { roles: ['api', 'builder', 'executor'] });
    scriptId = await createBuiltScript(p, { name: 'echo', code: ECHO, language: 'javascript' });
  });
  afterAll(() => p.close());

  it('a JSON body, headers and query reach the script; its status and header come back', async () => {
    const trigger = await createTrigger({});
    expect(trigger.url).toBe(`${p.url}/hooks/${trigger.id}`);
    expect(trigger.id.length).toBeGreaterThanOrEqual(22);
    const res = await hook(trigger.id, '/orders/7?x=1&y=2', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-custom': 'hello' },
      body: JSON.stringify({ order: 7, items: ['a'] }),
    });
    expect(res.status).toBe(201);
    expect(res.headers.get('x-a')).toBe('1');
    const bytes = Buffer.from(await res.arrayBuffer());
    expect(res.headers.get('content-length')).toBe(String(bytes.length));
    const body = JSON.parse(bytes.toString());
    expect(body).toMatchObject({
      method: 'POST',
      path: '/orders/7',
      body: { order: 7, items: ['a'] },
      query: { x: '1', y: '2' },
      custom: 'hello',
      trigger: { type: 'http', id: trigger.id },
    });
    const executionId = res.headers.get('x-runlet-execution-id');
    const events = await p.api('GET', `/api/v1/events?stream=execution-${executionId}`);
    expect(events.body.items.map((e: any) => e.type)).toEqual([
      'TriggerFired',
      'ExecutionQueued',
      'ExecutionStarted',
      'ExecutionSucceeded',
    ]);
  });

  it('text and form bodies arrive intact, with the raw body', async () => {
    const trigger = await createTrigger({});
    const text = await (
      await hook(trigger.id, '', {
        method: 'POST',
        headers: { 'content-type': 'text/plain' },
        body: 'héllo\nworld',
      })
    ).json();
    expect(text.body).toBe('héllo\nworld');
    expect(Buffer.from(text.raw, 'base64').toString('utf8')).toBe('héllo\nworld');
    const form = await (
      await hook(trigger.id, '', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'a=1&b=two+words&c=%26',
      })
    ).json();
    expect(form.body).toEqual({ a: '1', b: 'two words', c: '&' });
  });

  it('a 1.5 MiB body → 413', async () => {
    const trigger = await createTrigger({});
    const res = await hook(trigger.id, '', { method: 'POST', body: Buffer.alloc(1.5 * 1024 * 1024, 97) });
    expect(res.status).toBe(413);
    expect((await res.json()).message).toMatch(/larger than the limit/);
  });

  it('HMAC: valid → 201, tampered → 401, 10 minutes old → 401', async () => {
    const trigger = await createTrigger({ auth: 'hmac' });
    expect(typeof trigger.secret).toBe('string');
    const body = JSON.stringify({ n: 1 });
    const now = Math.floor(Date.now() / 1000);
    const send = (sig: string, b = body) =>
      hook(trigger.id, '', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-runlet-signature': sig },
        body: b,
      });
    expect((await send(signatureHeader(trigger.secret, now, Buffer.from(body)))).status).toBe(201);
    const tampered = await send(
      signatureHeader(trigger.secret, now, Buffer.from(body)),
      JSON.stringify({ n: 2 }),
    );
    expect(tampered.status).toBe(401);
    expect((await tampered.json()).message).toMatch(/signature/);
    const old = now - 600;
    expect((await send(signatureHeader(trigger.secret, old, Buffer.from(body)))).status).toBe(401);
    expect((await p.api('GET', `/api/v1/triggers/${trigger.id}`)).body.secret).toBeUndefined();
  });

  it('token: wrong → 401, right → 201 (and the script never sees it); rotation keeps the old one in its grace period', async () => {
    const trigger = await createTrigger({ auth: 'token' });
    expect((await hook(trigger.id, '', { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
    expect((await hook(trigger.id)).status).toBe(401);
    const ok = await hook(trigger.id, '', { headers: { authorization: `Bearer ${trigger.secret}` } });
    expect(ok.status).toBe(201);
    expect((await ok.json()).sawAuth).toBe(false);
    const rotated = await p.api('POST', `/api/v1/triggers/${trigger.id}/rotate-secret`, { graceSeconds: 60 });
    expect(rotated.body.secret).not.toBe(trigger.secret);
    for (const secret of [trigger.secret, rotated.body.secret]) {
      expect((await hook(trigger.id, '', { headers: { authorization: `Bearer ${secret}` } })).status).toBe(
        201,
      );
    }
    const revoked = await p.api('POST', `/api/v1/triggers/${trigger.id}/rotate-secret`, { graceSeconds: 0 });
    expect(
      (await hook(trigger.id, '', { headers: { authorization: `Bearer ${rotated.body.secret}` } })).status,
    ).toBe(401);
    expect(
      (await hook(trigger.id, '', { headers: { authorization: `Bearer ${revoked.body.secret}` } })).status,
    ).toBe(201);
  });

  it('the same Idempotency-Key twice → one execution', async () => {
    const trigger = await createTrigger({});
    const send = () =>
      hook(trigger.id, '', { method: 'POST', headers: { 'idempotency-key': 'delivery-42' }, body: 'x' });
    const [a, b] = [await send(), await send()];
    expect(a.status).toBe(201);
    expect(b.status).toBe(201);
    expect(a.headers.get('x-runlet-execution-id')).toBe(b.headers.get('x-runlet-execution-id'));
    await new Promise((r) => setTimeout(r, 300));
    const list = await p.api('GET', `/api/v1/executions?triggerId=${trigger.id}`);
    expect(list.body.items).toHaveLength(1);
  });

  it('async mode → 202 with the execution id at once', async () => {
    const trigger = await createTrigger({ mode: 'async' });
    const res = await hook(trigger.id, '', { method: 'POST', body: 'x' });
    expect(res.status).toBe(202);
    expect((await res.json()).executionId).toEqual(expect.any(String));
  });

  it('paused → 409, unknown → 404, deleted → 404', async () => {
    const trigger = await createTrigger({});
    await p.api('PATCH', `/api/v1/triggers/${trigger.id}`, { paused: true });
    expect((await hook(trigger.id)).status).toBe(409);
    await p.api('PATCH', `/api/v1/triggers/${trigger.id}`, { paused: false });
    expect((await hook(trigger.id)).status).toBe(201);
    expect((await hook('no-such-trigger-id')).status).toBe(404);
    await p.api('DELETE', `/api/v1/triggers/${trigger.id}`);
    expect((await hook(trigger.id)).status).toBe(404);
  });

  it('a script without a successful build → 503 with a clear message', async () => {
    const created = await p.api('POST', '/api/v1/scripts', {
      name: 'broken',
      code: `import x from 'this-package-does-not-exist-xyz'; export default () => x;`,
    });
    await waitForBuild(p, created.body.id, 1);
    const trigger = await p.api('POST', `/api/v1/scripts/${created.body.id}/triggers`, { type: 'http' });
    const res = await hook(trigger.body.id);
    expect(res.status).toBe(503);
    expect((await res.json()).message).toMatch(/no successfully built version/);
  });

  it('a script that throws → 500 with its message', async () => {
    const id = await createBuiltScript(p, {
      name: 'thrower',
      code: `export default () => { throw new Error('bad input'); }`,
    });
    const trigger = await p.api('POST', `/api/v1/scripts/${id}/triggers`, { type: 'http' });
    const res = await hook(trigger.body.id);
    expect(res.status).toBe(500);
    expect(await res.json()).toMatchObject({ message: 'bad input', executionId: expect.any(String) });
  });

  it('a failed execution notifies the trigger notifyUrl, retrying until it is accepted', async () => {
    const receiver = await startNotificationReceiver((n) => (n === 1 ? 500 : 204)); // the first delivery fails
    try {
      const id = await createBuiltScript(p, {
        name: 'fails',
        code: `export default () => { throw new Error('kaputt'); }`,
      });
      const trigger = await p.api('POST', `/api/v1/scripts/${id}/triggers`, {
        type: 'http',
        notifyUrl: receiver.url,
      });
      const res = await hook(trigger.body.id);
      expect(res.status).toBe(500);
      await receiver.waitFor(2);
      expect(receiver.deliveries).toHaveLength(2);
      expect(receiver.deliveries[1]).toMatchObject({
        event: 'execution.failed',
        executionId: res.headers.get('x-runlet-execution-id'),
        scriptId: id,
        triggerId: trigger.body.id,
        error: { message: 'kaputt' },
        delivery: 2,
      });
    } finally {
      receiver.close();
    }
  });

  it('a webhook right after a new version is deployed runs that version', async () => {
    const id = await createBuiltScript(p, {
      name: 'versioned-hook',
      code: 'export default () => ({ v: 1 })',
    });
    const trigger = await p.api('POST', `/api/v1/scripts/${id}/triggers`, { type: 'http' });
    expect(await (await hook(trigger.body.id)).json()).toEqual({ v: 1 });
    const saved = await p.api('PUT', `/api/v1/scripts/${id}`, {
      code: 'export default () => ({ v: 2 })',
      expectedVersion: 1,
    });
    expect(saved.status).toBe(200);
    await waitForBuild(p, id, 2);
    expect(await (await hook(trigger.body.id)).json()).toEqual({ v: 2 });
  });
});
