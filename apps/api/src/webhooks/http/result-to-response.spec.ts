import { serializeResponse, toHttpResponse } from './result-to-response';

const JSON_TYPE = 'application/json; charset=utf-8';

describe('toHttpResponse', () => {
  it('answers 204 for undefined', () => {
    expect(toHttpResponse(undefined)).toEqual({ status: 204, headers: {}, body: '' });
  });

  it('sends other values as 200 JSON', () => {
    expect(toHttpResponse({ at: '2026-01-01' })).toEqual({
      status: 200,
      headers: { 'content-type': JSON_TYPE },
      body: '{"at":"2026-01-01"}',
    });
    expect(toHttpResponse(null).body).toBe('null');
    expect(toHttpResponse('hi').body).toBe('"hi"');
    expect(toHttpResponse([1, 2]).body).toBe('[1,2]');
    expect(toHttpResponse(0)).toMatchObject({ status: 200, body: '0' });
  });

  it('treats objects with other keys or a non-numeric status as plain JSON', () => {
    expect(toHttpResponse({ status: 'ok' })).toMatchObject({ status: 200, body: '{"status":"ok"}' });
    expect(toHttpResponse({ status: 404, message: 'x' })).toMatchObject({ status: 200 });
  });

  it('uses status / headers / body, with an object body as JSON', () => {
    expect(toHttpResponse({ status: 201, headers: { 'X-A': '1' }, body: { ok: true } })).toEqual({
      status: 201,
      headers: { 'x-a': '1', 'content-type': JSON_TYPE },
      body: '{"ok":true}',
    });
  });

  it('sends a string body as text unless the script set a content type', () => {
    expect(toHttpResponse({ status: 200, body: 'hello' })).toEqual({
      status: 200,
      headers: { 'content-type': 'text/plain; charset=utf-8' },
      body: 'hello',
    });
    expect(
      toHttpResponse({ status: 200, headers: { 'Content-Type': 'text/html' }, body: '<b>hi</b>' }),
    ).toEqual({
      status: 200,
      headers: { 'content-type': 'text/html' },
      body: '<b>hi</b>',
    });
    expect(
      toHttpResponse({ status: 200, headers: { 'content-type': 'application/x-yaml' }, body: { a: 1 } }),
    ).toMatchObject({ headers: { 'content-type': 'application/x-yaml' }, body: '{"a":1}' });
  });

  it('sends bytes as octet-stream and no body as empty', () => {
    expect(toHttpResponse({ status: 200, body: Buffer.from([1, 2]) })).toEqual({
      status: 200,
      headers: { 'content-type': 'application/octet-stream' },
      body: Buffer.from([1, 2]),
    });
    expect(toHttpResponse({ status: 202 })).toEqual({ status: 202, headers: {}, body: '' });
    expect(toHttpResponse({ status: 204, body: { ignored: true } })).toEqual({
      status: 204,
      headers: {},
      body: '',
    });
  });

  it('answers 500 for a status outside 100-599', () => {
    for (const status of [99, 600, 200.5, NaN]) {
      const response = toHttpResponse({ status, body: 'x' });
      expect(response.status).toBe(500);
      expect(JSON.parse(response.body as string).error).toMatch(/invalid HTTP status/);
    }
  });

  it('answers 500 when the result cannot be serialised', () => {
    expect(toHttpResponse({ big: BigInt(1) })).toMatchObject({ status: 500 });
  });

  it('drops invalid and framing headers, keeps numbers and multiple cookies', () => {
    const response = toHttpResponse({
      status: 200,
      headers: {
        'x-count': 3,
        'x-evil': 'a\r\nSet-Cookie: pwned=1',
        'bad name': 'x',
        'content-length': '999',
        'transfer-encoding': 'chunked',
        'set-cookie': ['a=1', 'b=2'],
        'x-obj': { a: 1 },
      },
    });
    expect(response.headers).toEqual({ 'x-count': '3', 'set-cookie': ['a=1', 'b=2'] });
  });

  it('maps a serialized Response', () => {
    expect(
      toHttpResponse({
        __runletResponse: true,
        status: 302,
        headers: { location: 'https://example.com/' },
        body: null,
      }),
    ).toEqual({ status: 302, headers: { location: 'https://example.com/' }, body: '' });
    expect(
      toHttpResponse({
        __runletResponse: true,
        status: 200,
        headers: { 'content-type': 'image/png' },
        body: Buffer.from([137, 80]).toString('base64'),
      }),
    ).toEqual({ status: 200, headers: { 'content-type': 'image/png' }, body: Buffer.from([137, 80]) });
  });

  it('round-trips a WHATWG Response through serializeResponse', async () => {
    const headers = new Headers({ 'content-type': 'application/json', 'x-a': '1' });
    headers.append('set-cookie', 'a=1');
    headers.append('set-cookie', 'b=2');
    const serialized = await serializeResponse(new Response('{"ok":true}', { status: 201, headers }));
    expect(JSON.parse(JSON.stringify(serialized))).toEqual(serialized);
    expect(toHttpResponse(serialized)).toEqual({
      status: 201,
      headers: { 'content-type': 'application/json', 'x-a': '1', 'set-cookie': ['a=1', 'b=2'] },
      body: Buffer.from('{"ok":true}'),
    });
    expect(await serializeResponse(new Response(null, { status: 204 }))).toEqual({
      __runletResponse: true,
      status: 204,
      headers: {},
      body: null,
    });
  });
});
