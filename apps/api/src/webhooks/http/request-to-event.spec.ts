import { ValidationError } from '@runlet/domain';
import { toHttpEvent } from './request-to-event';

const request = (contentType: string | undefined, body: string | Buffer, extra: object = {}) =>
  toHttpEvent({
    method: 'post',
    path: '/github/push',
    headers: contentType ? { 'content-type': contentType } : {},
    query: {},
    rawBody: Buffer.isBuffer(body) ? body : Buffer.from(body),
    ...extra,
  });

describe('toHttpEvent', () => {
  it('maps method, path, query and keeps the raw body as base64', () => {
    const event = request('application/json', '{"a":1}', {
      query: { q: 'x', tag: ['a', 'b'], none: undefined },
    });
    expect(event).toEqual({
      method: 'POST',
      path: '/github/push',
      headers: { 'content-type': 'application/json' },
      query: { q: 'x', tag: ['a', 'b'] },
      body: { a: 1 },
      rawBody: Buffer.from('{"a":1}').toString('base64'),
    });
  });

  it("defaults the path to '/'", () => {
    expect(request(undefined, '', { path: undefined }).path).toBe('/');
    expect(request(undefined, '', { path: '' }).path).toBe('/');
    expect(request(undefined, '', { path: 'x/y' }).path).toBe('/x/y');
  });

  it('parses JSON, including +json types and charset parameters', () => {
    expect(request('application/json; charset=utf-8', '[1,2]').body).toEqual([1, 2]);
    expect(request('application/vnd.api+json', '{"data":null}').body).toEqual({ data: null });
    expect(request('Application/JSON', '"s"').body).toBe('s');
  });

  it('rejects malformed JSON with a 400-worthy error', () => {
    expect(() => request('application/json', '{"a":')).toThrow(ValidationError);
    expect(() => request('application/json', '{"a":')).toThrow(/^request body is not valid JSON: /);
  });

  it('parses forms into objects, repeated keys into arrays', () => {
    expect(request('application/x-www-form-urlencoded', 'a=1&b=two+words&a=2&c=%C3%A9').body).toEqual({
      a: ['1', '2'],
      b: 'two words',
      c: 'é',
    });
  });

  it('gives text as a string, honouring the charset', () => {
    expect(request('text/plain', 'hello é').body).toBe('hello é');
    expect(request('text/csv; charset=iso-8859-1', Buffer.from([0x63, 0x61, 0x66, 0xe9])).body).toBe('café');
    expect(request('application/xml', '<a/>').body).toBe('<a/>');
  });

  it('gives anything else as base64', () => {
    const bytes = Buffer.from([0, 1, 2, 255]);
    expect(request('application/octet-stream', bytes).body).toBe(bytes.toString('base64'));
    expect(request('image/png', bytes).body).toBe('AAEC/w==');
    expect(request(undefined, bytes).body).toBe('AAEC/w==');
  });

  it('has no body when nothing was sent', () => {
    expect(request('application/json', '').body).toBeUndefined();
    expect(request(undefined, '').rawBody).toBe('');
  });

  it('takes the content type from the explicit argument first', () => {
    expect(request('text/plain', '{"a":1}', { contentType: 'application/json' }).body).toEqual({ a: 1 });
  });

  it('strips credentials and normalises header names', () => {
    const event = toHttpEvent({
      method: 'GET',
      path: '/',
      headers: {
        Authorization: 'Bearer secret',
        cookie: 'sid=1',
        'X-Runlet-Signature': 't=1,v1=ab',
        'Proxy-Authorization': 'Basic x',
        'X-Forwarded-For': ['1.1.1.1', '2.2.2.2'],
        'User-Agent': 'curl',
      },
      query: {},
      rawBody: Buffer.alloc(0),
    });
    expect(event.headers).toEqual({ 'x-forwarded-for': '1.1.1.1, 2.2.2.2', 'user-agent': 'curl' });
  });

  it('keeps NUL in text, turns invalid UTF-8 into U+FFFD there, and the raw body holds the exact bytes', () => {
    const bytes = Buffer.from([0x61, 0x00, 0xff, 0x62]);
    const event = request('text/plain', bytes);
    expect(event.body).toBe('a\u0000\ufffdb');
    expect(Buffer.from(event.rawBody, 'base64')).toEqual(bytes);
    expect(request('application/json', '{"s":"\\u0000\\ud800"}').body).toEqual({ s: '\u0000\ud800' });
  });
});
