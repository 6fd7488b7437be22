import { startPlatform, TestPlatform } from './support/platform';

describe('Scripts API over HTTP (platform on real PostgreSQL and Redis)', () => {
  let p: TestPlatform;
  beforeAll(async () => {
    p = await startPlatform('scripts_api', { roles: ['api'] });
  });
  afterAll(() => p.close());

  async function eventsOf(streamId: string) {
    const res = await p.api('GET', `/api/v1/events?stream=${streamId}&limit=1000`);
    expect(res.status).toBe(200);
    return res.body.items as any[];
  }

  it('creates a script, saves two more versions, reads all three back; the audit log shows every event', async () => {
    const created = await p.api(
      'POST',
      '/api/v1/scripts',
      {
        name: 'hello',
        code: 'export default () => 1',
        dependencies: { dayjs: '^1.11.0' },
      },
      { 'x-correlation-id': 'corr-create' },
    );
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      name: 'hello',
      version: 1,
      latestVersion: 1,
      language: 'typescript',
    });
    const id = created.body.id;

    const v2 = await p.api('PUT', `/api/v1/scripts/${id}`, {
      code: 'export default () => 2',
      expectedVersion: 1,
    });
    expect(v2.status).toBe(200);
    expect(v2.body.version).toBe(2);
    const v3 = await p.api('PUT', `/api/v1/scripts/${id}`, { code: 'export default () => 3' });
    expect(v3.body.latestVersion).toBe(3);

    const versions = await p.api('GET', `/api/v1/scripts/${id}/versions`);
    expect(versions.body.items.map((v: any) => [v.version, v.code])).toEqual([
      [1, 'export default () => 1'],
      [2, 'export default () => 2'],
      [3, 'export default () => 3'],
    ]);
    expect(versions.body.items[2].dependencies).toEqual({ dayjs: '^1.11.0' });
    const one = await p.api('GET', `/api/v1/scripts/${id}/versions/2`);
    expect(one.body.code).toBe('export default () => 2');

    const detail = await p.api('GET', `/api/v1/scripts/${id}`);
    expect(detail.body).toMatchObject({ id, code: 'export default () => 3', latestVersion: 3 });

    const events = await eventsOf(`script-${id}`);
    expect(events.map((e) => e.type)).toEqual([
      'ScriptCreated',
      'ScriptVersionSaved',
      'ScriptVersionSaved',
      'ScriptVersionSaved',
    ]);
    for (const e of events) {
      expect(e.metadata.actor).toMatch(/^apikey:/);
      expect(typeof e.metadata.correlationId).toBe('string');
    }
    expect(events[0].metadata.correlationId).toBe('corr-create');
    expect(events[0].position).toBeLessThan(events[3].position);

    const history = await p.api('GET', `/api/v1/scripts/${id}/history`);
    expect(history.body.items).toHaveLength(4);
  });

  it('PUT with a stale expectedVersion → 409 and nothing appended', async () => {
    const { body } = await p.api('POST', '/api/v1/scripts', { name: 'stale', code: 'x' });
    await p.api('PUT', `/api/v1/scripts/${body.id}`, { code: 'y', expectedVersion: 1 });
    const before = await eventsOf(`script-${body.id}`);
    const res = await p.api('PUT', `/api/v1/scripts/${body.id}`, { code: 'z', expectedVersion: 1 });
    expect(res.status).toBe(409);
    expect(res.body).toEqual({
      statusCode: 409,
      error: 'Conflict',
      message: expect.stringMatching(/version 2, not 1/),
    });
    expect(await eventsOf(`script-${body.id}`)).toHaveLength(before.length);
  });

  it('lists scripts with a cursor', async () => {
    for (let i = 0; i < 3; i++) await p.api('POST', '/api/v1/scripts', { name: `page-${i}`, code: 'x' });
    const first = await p.api('GET', '/api/v1/scripts?limit=2');
    expect(first.body.items).toHaveLength(2);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await p.api('GET', `/api/v1/scripts?limit=2&cursor=${first.body.nextCursor}`);
    const ids = [...first.body.items, ...second.body.items].map((s: any) => s.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('deploys a version and archives a script (then it is gone)', async () => {
    const { body } = await p.api('POST', '/api/v1/scripts', { name: 'deploy', code: 'x' });
    await p.api('PUT', `/api/v1/scripts/${body.id}`, { code: 'y' });
    const deployed = await p.api('POST', `/api/v1/scripts/${body.id}/deploy`, { version: 1 });
    expect(deployed.body.deployedVersion).toBe(1);
    expect((await p.api('POST', `/api/v1/scripts/${body.id}/deploy`, { version: 7 })).status).toBe(404);
    expect((await p.api('DELETE', `/api/v1/scripts/${body.id}`)).status).toBe(204);
    expect((await p.api('GET', `/api/v1/scripts/${body.id}`)).status).toBe(404);
    const types = (await eventsOf(`script-${body.id}`)).map((e) => e.type);
    expect(types.slice(-2)).toEqual(['ScriptVersionDeployed', 'ScriptArchived']);
  });

  describe('bad input → a precise 4xx and nothing appended', () => {
    async function expectNothingAppended(
      send: () => Promise<{ status: number; body: any }>,
      status: number,
      message: RegExp,
    ) {
      const before = (await p.api('GET', '/api/v1/events?limit=1000')).body.items.length;
      const res = await send();
      expect(res.status).toBe(status);
      expect(res.body.statusCode).toBe(status);
      expect(res.body.message).toMatch(message);
      expect((await p.api('GET', '/api/v1/events?limit=1000')).body.items.length).toBe(before);
    }

    it('malformed JSON → 400', () =>
      expectNothingAppended(() => p.api('POST', '/api/v1/scripts', '{"name": "x",'), 400, /malformed JSON/));
    it('missing name → 400', () =>
      expectNothingAppended(() => p.api('POST', '/api/v1/scripts', { code: 'x' }), 400, /name/));
    it('unknown field → 400', () =>
      expectNothingAppended(
        () => p.api('POST', '/api/v1/scripts', { name: 'a', code: 'x', colour: 1 }),
        400,
        /colour/,
      ));
    it('code over 1 MiB → 413', () =>
      expectNothingAppended(
        () => p.api('POST', '/api/v1/scripts', { name: 'big', code: 'x'.repeat(1024 * 1024 + 1) }),
        413,
        /limit is 1048576 bytes/,
      ));
    it('unknown script id → 404', () =>
      expectNothingAppended(
        () => p.api('PUT', '/api/v1/scripts/nope', { code: 'x' }),
        404,
        /script nope not found/,
      ));
    it('missing API key → 401', () =>
      expectNothingAppended(
        () =>
          fetch(`${p.url}/api/v1/scripts`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: '{"name":"a","code":"x"}',
          }).then(async (r) => ({ status: r.status, body: await r.json() })),
        401,
        /missing API key/,
      ));
    it('wrong API key → 401', () =>
      expectNothingAppended(
        () => p.api('POST', '/api/v1/scripts', { name: 'a', code: 'x' }, { authorization: 'Bearer wrong' }),
        401,
        /invalid or revoked/,
      ));
  });

  it('API keys: create one, use it, revoke it', async () => {
    const created = await p.api('POST', '/api/v1/api-keys', { name: 'ci' });
    expect(created.status).toBe(201);
    const key = created.body.key;
    const list = await p.api('GET', '/api/v1/scripts', undefined, { authorization: `Bearer ${key}` });
    expect(list.status).toBe(200);
    expect((await p.api('DELETE', `/api/v1/api-keys/${created.body.id}`)).status).toBe(204);
    const after = await p.api('GET', '/api/v1/scripts', undefined, { authorization: `Bearer ${key}` });
    expect(after.status).toBe(401);
  });

  it('health, metrics and the OpenAPI document are public', async () => {
    const health = await fetch(`${p.url}/health`);
    expect(await health.json()).toEqual({
      status: 'ok',
      checks: { postgres: 'up', redis: 'up', subscriptions: 'up' },
    });
    const metrics = await (await fetch(`${p.url}/metrics`)).text();
    expect(metrics).toContain('runlet_http_request_duration_seconds');
    const doc = await (await fetch(`${p.url}/api/docs-json`)).json();
    expect(Object.keys(doc.paths)).toContain('/api/v1/scripts');
  });
});
