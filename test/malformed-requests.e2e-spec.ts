import { startPlatform, TestPlatform } from './support/platform';

/**
 * Requests that once answered 5xx or appended an event the read models could not apply
 * (`null` for optional fields, NUL bytes in path ids, numbers beyond the database's range).
 */
describe('malformed requests answer 4xx and never stop the read models (platform on real PostgreSQL and Redis)', () => {
  let p: TestPlatform;
  let scriptId: string;
  beforeAll(async () => {
    p = await startPlatform('malformed_requests', { roles: ['api'] });
    const created = await p.api('POST', '/api/v1/scripts', {
      name: 'target',
      code: 'export default () => 1',
    });
    expect(created.status).toBe(201);
    scriptId = created.body.id;
  });
  afterAll(() => p.close());

  const expectContractError = (res: { status: number; body: any }, status: number) => {
    expect(res.status).toBe(status);
    expect(res.body).toEqual({ statusCode: status, error: expect.any(String), message: expect.any(String) });
  };

  it('PUT {"network": null} saves the default, and a script created afterwards is visible at once', async () => {
    const saved = await p.api('PUT', `/api/v1/scripts/${scriptId}`, { network: null });
    expect(saved.status).toBe(200);
    expect(saved.body).toMatchObject({ network: 'egress', latestVersion: 2 });
    const next = await p.api('POST', '/api/v1/scripts', { name: 'after', code: 'export default () => 2' });
    expect(next.status).toBe(201);
    expect((await p.api('GET', `/api/v1/scripts/${next.body.id}`)).status).toBe(200);
    const trigger = await p.api('POST', `/api/v1/scripts/${next.body.id}/triggers`, { type: 'http' });
    expect(trigger.status).toBe(201);
  });

  it('null for a field with a default means the default; for a required one, 400', async () => {
    const saved = await p.api('PUT', `/api/v1/scripts/${scriptId}`, {
      secrets: null,
      dependencies: null,
      language: null,
      timeoutMs: null,
      memoryMb: null,
      maxAttempts: null,
      notifyUrl: null,
    });
    expect(saved.status).toBe(200);
    expect(saved.body).toMatchObject({
      secrets: [],
      dependencies: {},
      language: 'typescript',
      timeoutMs: 30000,
      memoryMb: 256,
      maxAttempts: 1,
      notifyUrl: null,
    });
    expectContractError(await p.api('PUT', `/api/v1/scripts/${scriptId}`, { code: null }), 400);
    expectContractError(await p.api('PUT', `/api/v1/scripts/${scriptId}`, { name: null }), 400);
    expectContractError(await p.api('PUT', `/api/v1/scripts/${scriptId}`, { expectedVersion: null }), 400);
    expectContractError(await p.api('POST', '/api/v1/scripts', { name: 'n', code: 'x\u0000y' }), 400);
  });

  it('NUL bytes and malformed ids in paths → 404; huge or non-numeric versions → 404 / 400', async () => {
    const paths: [string, string][] = [
      ['GET', '/api/v1/scripts/%00'],
      ['PUT', '/api/v1/scripts/a%00b'],
      ['DELETE', '/api/v1/scripts/%00'],
      ['GET', '/api/v1/scripts/%00/versions'],
      ['GET', '/api/v1/scripts/%00/builds'],
      ['GET', '/api/v1/scripts/%00/history'],
      ['GET', '/api/v1/scripts/%00/triggers'],
      ['POST', '/api/v1/scripts/%00/triggers'],
      ['POST', '/api/v1/scripts/%00/runs'],
      ['GET', '/api/v1/triggers/%00'],
      ['PATCH', '/api/v1/triggers/%00'],
      ['GET', '/api/v1/executions/%00'],
      ['GET', '/api/v1/executions/%00/logs'],
      ['POST', '/api/v1/executions/%00/cancel'],
      ['DELETE', '/api/v1/api-keys/%00'],
      ['GET', `/api/v1/scripts/${scriptId}/versions/9999999999999`],
      ['GET', `/api/v1/scripts/${scriptId}/versions/0`],
    ];
    for (const [method, path] of paths) {
      const body = ['POST', 'PUT', 'PATCH'].includes(method) ? { type: 'http', code: 'x' } : undefined;
      const res = await p.api(method, path, body);
      expect([method, path, res.status]).toEqual([method, path, 404]);
      expectContractError(res, 404);
    }
    expectContractError(await p.api('GET', `/api/v1/scripts/${scriptId}/versions/abc`), 400);
    expectContractError(await p.api('GET', `/api/v1/scripts/${scriptId}/versions/1.5`), 400);
  });

  it('NUL bytes in webhook paths → 404 in the contract shape', async () => {
    for (const path of ['/hooks/%00', '/hooks/ab%00cd/x', '/hooks/%00%ff', `/hooks/${'a'.repeat(5000)}`]) {
      const res = await fetch(p.url + path, { method: 'POST', body: '{}' });
      expect([path, res.status]).toEqual([path, 404]);
      expectContractError({ status: res.status, body: await res.json() }, 404);
    }
  });

  it('NUL bytes in query strings, malformed cursors and out-of-range numbers → 400', async () => {
    const cursor = Buffer.from(JSON.stringify(['not a date', 1])).toString('base64url');
    for (const path of [
      '/api/v1/executions?scriptId=%00',
      '/api/v1/executions?cursor=%00',
      `/api/v1/executions?cursor=${cursor}`,
      `/api/v1/scripts?cursor=${cursor}`,
      '/api/v1/scripts?cursor=!!!',
      '/api/v1/events?stream=a%00',
      '/api/v1/events?after=100000000000000000000',
      `/api/v1/scripts/${scriptId}/history?after=100000000000000000000`,
      '/api/v1/scripts?limit=100000000000000000000',
    ]) {
      const res = await p.api('GET', path);
      expect([path, res.status]).toEqual([path, 400]);
      expectContractError(res, 400);
    }
  });

  it('a JSON body nested deeper than values may be stored → 400 before validation (it overflowed the validator: 500)', async () => {
    const deep = '{"a":'.repeat(5000) + '1' + '}'.repeat(5000);
    for (const [method, path] of [
      ['POST', '/api/v1/try'],
      ['POST', `/api/v1/scripts/${scriptId}/runs`],
      ['PUT', `/api/v1/scripts/${scriptId}`],
    ]) {
      const res = await p.api(method, path, `{"input":${deep}}`);
      expect([path, res.status]).toEqual([path, 400]);
      expectContractError(res, 400);
      expect(res.body.message).toMatch(/nested deeper than \d+ levels/);
    }
  });
});
