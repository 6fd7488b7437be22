import fc from 'fast-check';
import { HeaderLines } from './raw-http';
import {
  contentEncoding,
  contentType,
  FuzzCase,
  headerBytes,
  oddHeaders,
  oneBrokenPart,
  serializedBody,
} from './fuzz-request';
import { encodedSegment, invalidUtf8, nastyJson, pathId, shortNasty } from './fuzz-values';

/** A webhook trigger the fuzz calls, with what its auth wants. */
export interface HookTarget {
  id: string;
  auth: 'none' | 'token' | 'hmac';
  secret?: string;
  paused?: boolean;
}

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD', 'PROPFIND', 'M-SEARCH', 'FOO'];

/** Bodies a webhook sender may send, up to (and just over) the body limit. */
function hookBody(limit: number): fc.Arbitrary<Buffer> {
  return fc.oneof(
    { weight: 4, arbitrary: fc.constant(Buffer.alloc(0)) },
    { weight: 10, arbitrary: serializedBody(nastyJson) },
    { weight: 3, arbitrary: fc.uint8Array({ maxLength: 4096 }).map((a) => Buffer.from(a)) },
    { weight: 2, arbitrary: invalidUtf8 },
    { weight: 1, arbitrary: fc.integer({ min: 1, max: 4096 }).map((n) => Buffer.alloc(n, 0)) },
    {
      weight: 2,
      arbitrary: fc
        .array(fc.tuple(encodedSegment(shortNasty), encodedSegment(shortNasty)), { maxLength: 4 })
        .map((pairs) =>
          Buffer.concat(pairs.flatMap(([k, v], i) => [Buffer.from(i ? '&' : ''), k, Buffer.from('='), v])),
        ),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.integer({ min: limit - 4096, max: limit }), fc.constantFrom(0x61, 0x00, 0xff, 0x22))
        .map(([n, byte]) => Buffer.alloc(n, byte)),
    },
    {
      weight: 1,
      arbitrary: fc.integer({ min: 1, max: 2048 }).map((n) => Buffer.from(`{"s":"${'\\u0000'.repeat(n)}"}`)),
    },
    {
      weight: 1,
      arbitrary: fc.integer({ min: limit + 1, max: limit + 65536 }).map((n) => Buffer.alloc(n, 0x61)),
    },
  );
}

/** Credentials shaped like the real ones but wrong, or none. */
const wrongCredentials: fc.Arbitrary<HeaderLines> = fc.oneof(
  fc.constant<HeaderLines>([]),
  shortNasty.map((s): HeaderLines => [
    ['authorization', Buffer.concat([Buffer.from('Bearer '), headerBytes(s)])],
  ]),
  shortNasty.map((s): HeaderLines => [['x-runlet-signature', headerBytes(s)]]),
  fc
    .tuple(
      fc.constantFrom(
        'abc',
        '',
        '-1',
        '0',
        '1e30',
        '99999999999999999999',
        String(Math.floor(Date.now() / 1000)),
      ),
      fc.constantFrom(
        '',
        'zz',
        '00',
        'a'.repeat(64),
        'A'.repeat(64),
        'g'.repeat(64),
        '0'.repeat(63),
        '0'.repeat(10_000),
      ),
      fc.constantFrom('', ',v1=', ',v1=00,v1=11', ',,,', ',v2=00', ',t=1'),
    )
    .map(([t, v1, more]): HeaderLines => [['x-runlet-signature', `t=${t},v1=${v1}${more}`]]),
  fc.constantFrom<HeaderLines>(
    [['authorization', 'Bearer']],
    [['authorization', 'Basic Zm9vOmJhcg==']],
    [['x-runlet-signature', '']],
    [['x-runlet-signature', 'v1=00']],
    [
      ['x-runlet-signature', 't=1'],
      ['x-runlet-signature', 't=2'],
    ],
  ),
);

type Aimed = HookTarget & { segment: Buffer };

/** Calls of `ANY /hooks/:triggerId[/*]` at real triggers with one or all parts of the call malformed. */
export function webhookCases(
  targets: HookTarget[],
  otherIds: string[],
  bodyLimit: number,
): fc.Arbitrary<FuzzCase> {
  const aimed = (t: HookTarget): Aimed => ({ ...t, segment: Buffer.from(t.id) });
  const live = targets.filter((t) => !t.paused);
  const empty = fc.constant(Buffer.alloc(0));
  const parts = oneBrokenPart<{
    target: Aimed;
    method: string;
    subPath: Buffer;
    query: Buffer;
    body: Buffer;
    type: string | undefined;
    encoding: { name?: string; apply: (b: Buffer) => Buffer };
    odd: HeaderLines;
    chunked: boolean;
    /** undefined: the target's own credentials. */
    creds: HeaderLines | undefined;
  }>(
    {
      target: fc.constantFrom(...live).map(aimed),
      method: fc.constant('POST'),
      subPath: empty,
      query: empty,
      body: fc
        .dictionary(fc.string({ maxLength: 6 }), fc.oneof(fc.integer(), fc.string({ maxLength: 8 })), {
          maxKeys: 3,
        })
        .map((v) => Buffer.from(JSON.stringify(v))),
      type: fc.constant('application/json'),
      encoding: fc.constant({ apply: (b: Buffer) => b }),
      odd: fc.constant<HeaderLines>([]),
      chunked: fc.constant(false),
      creds: fc.constant(undefined),
    },
    {
      target: fc.oneof(
        fc.constantFrom(...targets).map(aimed),
        encodedSegment(pathId(otherIds)).map((segment): Aimed => ({ id: '', auth: 'none', segment })),
      ),
      method: fc.constantFrom(...METHODS),
      subPath: fc.oneof(
        fc
          .array(encodedSegment(shortNasty), { minLength: 1, maxLength: 4 })
          .map((segs) => Buffer.concat(segs.flatMap((s) => [Buffer.from('/'), s]))),
        fc
          .constantFrom('/', '//', '/..', '/%2e%2e/x', '/a/../../b', '/%00', '/%ZZ', '/;x=1')
          .map((s) => Buffer.from(s)),
      ),
      query: fc.oneof(
        fc
          .array(fc.tuple(encodedSegment(shortNasty), encodedSegment(shortNasty)), {
            minLength: 1,
            maxLength: 4,
          })
          .map((pairs) =>
            Buffer.concat([
              Buffer.from('?'),
              ...pairs.flatMap(([k, v], i) => [Buffer.from(i ? '&' : ''), k, Buffer.from('='), v]),
            ]),
          ),
        fc
          .constantFrom(
            '?',
            '?&&&',
            '?a=1&a=2&a=3',
            '?__proto__=x',
            '?a[b]=c',
            '?constructor[prototype][x]=1',
            '?%=%',
            '?x=%E0%A4',
          )
          .map((s) => Buffer.from(s)),
      ),
      body: hookBody(bodyLimit),
      type: contentType,
      encoding: contentEncoding,
      odd: oddHeaders,
      chunked: fc.boolean(),
      creds: wrongCredentials,
    },
    { body: 10, type: 3, creds: 3, query: 2, subPath: 2 },
  );
  return parts.map(
    ({ target, method, subPath, query, body, type, encoding, odd, chunked, creds }): FuzzCase => {
      const headers: HeaderLines = [...(creds ?? ownCredentials(target)), ...odd];
      if (type !== undefined) headers.push(['content-type', headerBytes(type)]);
      if (encoding.name) headers.push(['content-encoding', encoding.name]);
      return {
        label: 'ANY /hooks/:triggerId[/*]',
        request: {
          method,
          target: Buffer.concat([Buffer.from('/hooks/'), target.segment, subPath, query]),
          headers,
          body: encoding.apply(body),
          chunked: body.length > 0 && chunked,
        },
        signWith: !creds && target.auth === 'hmac' ? target.secret : undefined,
      };
    },
  );
}

/** The headers a legitimate caller of the trigger sends (an HMAC signature is added at send time). */
function ownCredentials(target: HookTarget): HeaderLines {
  return target.auth === 'token' ? [['authorization', `Bearer ${target.secret}`]] : [];
}
