import { request as httpRequest } from 'node:http';
import { Database } from '@runlet/event-store';
import { createBuiltScript, startPlatform, TestPlatform } from './support/platform';

/**
 * Values PostgreSQL cannot hold as they are (NUL, lone surrogates) and values JSON cannot express
 * (BigInt, undefined, cycles, deep nesting) — each execution ends in exactly one terminal status and
 * reads back as docs/json-encoding.md says, whichever way it is read.
 */
describe('JSON fidelity: any value a script produces is recorded (platform on real PostgreSQL, Redis, bwrap)', () => {
  let p: TestPlatform;
  const tryOut = (code: string, input?: unknown) =>
    p.api('POST', '/api/v1/try', { code, language: 'javascript', timeoutMs: 10_000, input });

  /** The execution as GET /executions/:id and as the history list show it. */
  async function readBack(id: string) {
    const one = await p.api('GET', `/api/v1/executions/${id}`);
    const list = await p.api('GET', `/api/v1/executions?limit=500`);
    return { one: one.body, listed: list.body.items.find((e: any) => e.id === id) };
  }

  beforeAll(async () => {
    p = await startPlatform('json_fidelity', { roles: ['api', 'builder', 'executor'] });
  });
  afterAll(() => p.close());

  it('a result holding NUL reads back exactly (try, the execution, the history)', async () => {
    const res = await tryOut(`export default () => 'a\\u0000b';`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'succeeded', result: 'a\u0000b' });
    const { one, listed } = await readBack(res.body.id);
    expect(one).toMatchObject({ status: 'succeeded', result: 'a\u0000b' });
    expect(listed).toMatchObject({ status: 'succeeded', result: 'a\u0000b' });
  });

  it('lone surrogates and NUL in values and keys read back exactly', async () => {
    const res = await tryOut(
      `export default () => ({ s: '\\ud800', 'k\\u0000': ['\\udc00x', 'pair \\ud83d\\ude00'], m: '\\ufdd0' });`,
    );
    const expected = { s: '\ud800', 'k\u0000': ['\udc00x', 'pair \ud83d\ude00'], m: '\ufdd0' };
    expect(res.body).toMatchObject({ status: 'succeeded' });
    expect(res.body.result).toEqual(expected);
    const { one, listed } = await readBack(res.body.id);
    expect(one.result).toEqual(expected);
    expect(listed.result).toEqual(expected);
  });

  it('an error message holding NUL → failed, with that message', async () => {
    const res = await tryOut(`export default () => { throw new Error('x\\u0000y'); };`);
    expect(res.body).toMatchObject({ status: 'failed', error: { message: 'x\u0000y' } });
    const { one, listed } = await readBack(res.body.id);
    expect(one.error.message).toBe('x\u0000y');
    expect(listed.error.message).toBe('x\u0000y');
  });

  it('a manual run with wait: input and result holding NUL and lone surrogates come back as sent', async () => {
    const id = await createBuiltScript(p, {
      name: 'echo-input',
      language: 'javascript',
      code: `export default (event) => ({ echo: event.input, own: 'a\\u0000b\\ud800' });`,
    });
    const input = { 'key\u0000': 'in\u0000put', lone: '\udfff' };
    const res = await p.api('POST', `/api/v1/scripts/${id}/runs`, { input, wait: true });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'succeeded', input });
    expect(res.body.result).toEqual({ echo: input, own: 'a\u0000b\ud800' });
    const { one, listed } = await readBack(res.body.id);
    expect(one).toMatchObject({ input, result: { echo: input, own: 'a\u0000b\ud800' } });
    expect(listed).toMatchObject({ input, result: { echo: input, own: 'a\u0000b\ud800' } });
  });

  it('BigInt, undefined, functions, huge and non-finite numbers take the documented JSON form', async () => {
    const res = await tryOut(`export default () => ({
      big: 12345678901234567890123n, gone: undefined, fn() {}, list: [undefined, () => 1, NaN, -1n],
      max: Number.MAX_VALUE, tiny: 5e-324, unsafe: 2 ** 53 + 2, inf: Infinity, at: new Date(0),
    });`);
    expect(res.body.status).toBe('succeeded');
    const expected = {
      big: '12345678901234567890123',
      list: [null, null, null, '-1'],
      max: Number.MAX_VALUE,
      tiny: 5e-324,
      unsafe: 2 ** 53 + 2,
      inf: null,
      at: '1970-01-01T00:00:00.000Z',
    };
    expect(res.body.result).toEqual(expected);
    expect((await readBack(res.body.id)).one.result).toEqual(expected);
    const top = await tryOut(`export default () => 10n ** 30n;`);
    expect(top.body).toMatchObject({ status: 'succeeded', result: '1000000000000000000000000000000' });
    const none = await tryOut(`export default () => undefined;`);
    expect(none.body).toMatchObject({ status: 'succeeded', result: null });
  });

  it('a cyclic result → failed, saying where the circle closes', async () => {
    const res = await tryOut(`export default () => { const a = { name: 'a' }; a.self = a; return a; };`);
    expect(res.body.status).toBe('failed');
    expect(res.body.error.message).toMatch(
      /not JSON-serialisable: .*circular structure[\s\S]*'self' closes the circle/,
    );
  });

  it('a result nested deeper than 1000 levels → failed, saying so (shallower ones are kept)', async () => {
    const nest = (levels: number) =>
      `export default () => { let v = 'leaf'; for (let i = 0; i < ${levels}; i++) v = [v]; return v; };`;
    for (const levels of [1001, 1500, 100_000]) {
      const res = await tryOut(nest(levels));
      expect(res.body.status).toBe('failed');
      expect(res.body.error.message).toBe("The script's return value is nested deeper than 1000 levels");
    }
    const kept = await tryOut(nest(1000));
    expect(kept.body.status).toBe('succeeded');
    let depth = 0;
    for (let v = kept.body.result; Array.isArray(v); v = v[0]) depth++;
    expect(depth).toBe(1000);
  });

  it('an input nested deeper than 1000 levels is refused with 400, not stored half-way', async () => {
    const id = await createBuiltScript(p, {
      name: 'deep-input',
      language: 'javascript',
      code: `export default () => 1;`,
    });
    const body = `{"wait":true,"input":${'['.repeat(1001)}${']'.repeat(1001)}}`;
    const res = await p.api('POST', `/api/v1/scripts/${id}/runs`, body);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ statusCode: 400, message: 'input is nested deeper than 1000 levels' });
  });

  it('log lines holding NUL and lone surrogates are stored and read back exactly', async () => {
    const res = await tryOut(`export default (event, ctx) => {
      console.log('a\\u0000b');
      ctx.log.warn('lone \\ud800 and marker \\ufdd0');
      return 1;
    };`);
    const expected = [
      ['info', 'a\u0000b'],
      ['warn', 'lone \ud800 and marker \ufdd0'],
    ];
    expect(res.body.logs.map((l: any) => [l.level, l.message])).toEqual(expected);
    const logs = await p.api('GET', `/api/v1/executions/${res.body.id}/logs`);
    expect(logs.body.items.map((l: any) => [l.level, l.message])).toEqual(expected);
  });

  describe('webhooks', () => {
    let hookId: string;
    beforeAll(async () => {
      const scriptId = await createBuiltScript(p, {
        name: 'echo-http',
        language: 'javascript',
        code: `export default (event) => ({ body: event.http.body, raw: event.http.rawBody, query: event.http.query,
          path: event.http.path, custom: event.http.headers['x-custom'] ?? null });`,
      });
      const trigger = await p.api('POST', `/api/v1/scripts/${scriptId}/triggers`, { type: 'http' });
      hookId = trigger.body.id;
    });
    const post = async (path: string, contentType: string, body: Buffer) => {
      const res = await fetch(`${p.url}/hooks/${hookId}${path}`, {
        method: 'POST',
        headers: { 'content-type': contentType },
        body: new Uint8Array(body),
      });
      return { status: res.status, body: await res.json() };
    };

    it('a text body with NUL bytes runs; the script sees the text and the exact bytes', async () => {
      const bytes = Buffer.from('a\u0000b', 'utf8');
      const res = await post('/', 'text/plain', bytes);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ body: 'a\u0000b', raw: bytes.toString('base64') });
    });

    it('a JSON body holding NUL and a lone surrogate reaches the script as parsed', async () => {
      const res = await post('/', 'application/json', Buffer.from('{"s":"x\\u0000y\\ud800"}'));
      expect(res.status).toBe(200);
      expect(res.body.body).toEqual({ s: 'x\u0000y\ud800' });
    });

    it('invalid UTF-8 and NUL in body, query and path: stored, and rawBody holds the exact bytes', async () => {
      const bytes = Buffer.from([0x61, 0xff, 0x00, 0xfe]);
      const text = await post('/a%00b%FF?q=%00&r=%FF', 'text/plain; charset=utf-8', bytes);
      expect(text.status).toBe(200);
      expect(text.body).toEqual({
        body: 'a\ufffd\u0000\ufffd',
        raw: bytes.toString('base64'),
        query: { q: '\u0000', r: '\ufffd' },
        path: '/a%00b%FF',
        custom: null,
      });
      const binary = await post('/', 'application/octet-stream', bytes);
      expect(binary.body).toMatchObject({ body: bytes.toString('base64'), raw: bytes.toString('base64') });
    });

    it('a JSON body nested deeper than 1000 levels is refused with 400', async () => {
      const res = await post(
        '/',
        'application/json',
        Buffer.from(`${'['.repeat(20_000)}${']'.repeat(20_000)}`),
      );
      expect(res).toEqual({
        status: 400,
        body: { statusCode: 400, error: 'Bad Request', message: 'request is nested deeper than 1000 levels' },
      });
    });

    it('a header with bytes that are not UTF-8 reaches the script (one character per byte)', async () => {
      const answer = await new Promise<{ status: number; body: any }>((resolve, reject) => {
        const req = httpRequest(`${p.url}/hooks/${hookId}`, {
          method: 'POST',
          headers: { 'x-custom': 'caf\u00e9\u00ff' },
        });
        req.on('response', (res) => {
          let data = '';
          res.setEncoding('utf8');
          res.on('data', (c) => (data += c));
          res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(data) }));
        });
        req.on('error', reject);
        req.end();
      });
      expect(answer.status).toBe(200);
      expect(answer.body.custom).toBe('caf\u00e9\u00ff');
    });
  });

  describe('an outcome the store refuses', () => {
    let db: Database;
    beforeAll(async () => {
      db = p.app.get(Database);
      // Stands for any value the store cannot hold: the outcome's append fails with a data error.
      await db.query(
        `ALTER TABLE events ADD CONSTRAINT refuse_for_test CHECK (NOT coalesce(data->'result' ? 'refuseMe', false))`,
      );
    });
    afterAll(() => db.query(`ALTER TABLE events DROP CONSTRAINT refuse_for_test`));

    it('a try-out → failed with a system error saying why, and a system log line', async () => {
      const res = await tryOut(`export default () => { console.log('ran'); return { refuseMe: true }; };`);
      expect(res.status).toBe(200);
      expect(res.body.status).toBe('failed');
      expect(res.body.error.message).toMatch(
        /^The execution's result could not be recorded: .*refuse_for_test/,
      );
      expect(res.body.logs.map((l: any) => [l.stream, l.level, l.message])).toEqual([
        ['stdout', 'info', 'ran'],
        ['system', 'error', res.body.error.message],
      ]);
      expect((await readBack(res.body.id)).one).toMatchObject({ status: 'failed', error: res.body.error });
    });

    it('a sync webhook is answered with that failure', async () => {
      const id = await createBuiltScript(p, {
        name: 'refused-hook',
        language: 'javascript',
        code: `export default () => ({ refuseMe: true });`,
      });
      const trigger = await p.api('POST', `/api/v1/scripts/${id}/triggers`, { type: 'http' });
      const res = await fetch(`${p.url}/hooks/${trigger.body.id}`, { method: 'POST' });
      expect(res.status).toBe(500);
      expect(await res.json()).toMatchObject({
        error: 'Script Failed',
        message: expect.stringMatching(/^The execution's result could not be recorded: /),
        executionId: res.headers.get('x-runlet-execution-id'),
      });
    });

    it('a manual run with wait and retries → failed once for good, not retried into the same refusal', async () => {
      const id = await createBuiltScript(p, {
        name: 'refused',
        language: 'javascript',
        maxAttempts: 3,
        code: `export default async () => { await new Promise((r) => setTimeout(r, 200)); return { refuseMe: 1 }; };`,
      });
      const res = await p.api('POST', `/api/v1/scripts/${id}/runs`, { wait: true });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ status: 'failed', attempt: 1 });
      expect(res.body.error.message).toMatch(/^The execution's result could not be recorded: /);
      const events = await p.api('GET', `/api/v1/events?stream=execution-${res.body.id}`);
      expect(events.body.items.map((e: any) => e.type)).toEqual([
        'ExecutionQueued',
        'ExecutionStarted',
        'ExecutionFailed',
      ]);
    });
  });
});
