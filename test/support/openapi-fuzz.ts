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
import {
  encodedSegment,
  nastyJson,
  nastyNumeral,
  nastyString,
  pathId,
  shortNasty,
  wrongValue,
} from './fuzz-values';

/** Real rows the generated requests name now and then, so that some reach past the lookups. */
export interface ResourcePool {
  adminKey: string;
  scripts: string[];
  triggers: string[];
  executions: string[];
  apiKeys: string[];
  /** Rows that DELETE requests name (archived or deleted soon, they would leave nothing real for the others). */
  expendable: { scripts: string[]; triggers: string[]; apiKeys: string[] };
}

type Schema = Record<string, any>;

interface Operation {
  method: string;
  path: string;
  params: { name: string; in: string; schema: Schema }[];
  body?: Schema;
}

/** Every operation of the document, with its body schema resolved. */
export function operationsOf(doc: any): Operation[] {
  const resolve = (s: Schema | undefined): Schema | undefined =>
    s?.$ref ? doc.components.schemas[s.$ref.split('/').pop()] : s;
  const ops: Operation[] = [];
  for (const [path, methods] of Object.entries<any>(doc.paths)) {
    for (const [method, op] of Object.entries<any>(methods)) {
      ops.push({
        method: method.toUpperCase(),
        path,
        params: (op.parameters ?? []).map((p: any) => ({ name: p.name, in: p.in, schema: p.schema ?? {} })),
        body: resolve(op.requestBody?.content?.['application/json']?.schema),
      });
    }
  }
  return ops;
}

/** Scripts a valid-looking body may carry: quick, and producing the values storage finds hardest. */
const CODE = [
  'export default async (event) => ({ echo: event })',
  'export default async () => "\\u0000" + String.fromCharCode(0xd800)',
  'export default async () => { throw new Error("bad \\u0000 \\ud800") }',
  'console.log("log \\u0000 \\udfff"); export default async () => 1',
  'export default async () => ({ big: "x".repeat(200000) })',
  'export default async () => { const a = {}; a.self = a; return a }',
  'export default async (',
  'import "left-pad"; export default async () => 1',
];

/** A value the schema accepts (so that mutating one part of it tests that part). */
function validValue(name: string, schema: Schema): fc.Arbitrary<unknown> {
  if (schema.enum) return fc.constantFrom(...schema.enum);
  switch (schema.type) {
    case 'string':
      if (name === 'code') return fc.constantFrom(...CODE);
      if (name === 'schedule') return fc.constantFrom('*/5 * * * *', '0 0 * * *', '0 12 1 * *');
      if (name === 'timezone') return fc.constantFrom('UTC', 'Europe/Paris', 'America/New_York');
      if (name === 'notifyUrl') return fc.constant('http://127.0.0.1:9/notify');
      if (name === 'secrets') return fc.stringMatching(/^[A-Z_][A-Z0-9_]{0,10}$/);
      return fc.string({ minLength: 1, maxLength: 12 });
    case 'number':
    case 'integer':
      if (name === 'timeoutMs') return fc.integer({ min: 1000, max: 10_000 });
      if (name === 'memoryMb') return fc.integer({ min: 64, max: 256 });
      return fc.integer({ min: schema.minimum ?? 1, max: Math.min(schema.maximum ?? 5, 60_000) });
    case 'boolean':
      return fc.boolean();
    case 'array':
      return fc.array(validValue(name, schema.items ?? {}), { maxLength: 2 });
    case 'object':
      if (name === 'notifyUrl') return fc.constantFrom(null, 'http://127.0.0.1:9/notify');
      if (schema.properties) {
        const props = Object.fromEntries(
          Object.entries<Schema>(schema.properties).map(([k, s]) => [k, validValue(k, s)]),
        );
        return fc.record(props, { requiredKeys: schema.required ?? [] });
      }
      // `dependencies` stays empty in valid bodies; the mutations give it made-up packages.
      if (name === 'dependencies') return fc.constant({});
      return fc.dictionary(fc.string({ maxLength: 6 }), fc.oneof(fc.string({ maxLength: 6 }), fc.integer()), {
        maxKeys: 3,
      });
    default:
      return nastyJson;
  }
}

/** A body for the schema with something wrong with it (or, now and then, nothing). */
function mutatedBody(schema: Schema): fc.Arbitrary<unknown> {
  const fields = Object.keys(schema.properties ?? {});
  const valid = validValue('body', schema) as fc.Arbitrary<Record<string, unknown>>;
  const mutations: fc.WeightedArbitrary<unknown>[] = [
    { weight: 3, arbitrary: valid },
    { weight: 1, arbitrary: nastyJson },
    {
      weight: 1,
      arbitrary: fc
        .tuple(valid, fc.dictionary(nastyString, wrongValue, { minKeys: 1, maxKeys: 3 }))
        .map(([v, extra]) => ({ ...extra, ...v })),
    },
  ];
  if (fields.length) {
    mutations.push(
      {
        weight: 6,
        arbitrary: fc
          .tuple(valid, fc.constantFrom(...fields), wrongValue)
          .map(([v, field, wrong]) => ({ ...v, [field]: wrong })),
      },
      { weight: 1, arbitrary: fc.constant(Object.fromEntries(fields.map((f) => [f, null]))) },
      {
        weight: 2,
        arbitrary: fc
          .tuple(valid, fc.array(nastyString, { minLength: fields.length, maxLength: fields.length }))
          .map(([v, strings]) =>
            Object.fromEntries(
              Object.entries(v).map(([k, value], i) => [k, typeof value === 'string' ? strings[i] : value]),
            ),
          ),
      },
      {
        weight: 1,
        arbitrary: fc.tuple(valid, fc.subarray(fields, { minLength: 1 })).map(([v, drop]) => {
          const copy = { ...v };
          for (const f of drop) delete copy[f];
          return copy;
        }),
      },
    );
  }
  return fc.oneof(...mutations);
}

function queryValue(name: string, schema: Schema, pool: ResourcePool): fc.Arbitrary<string> {
  if (name === 'scriptId') return pathId(pool.scripts);
  if (name === 'triggerId') return pathId(pool.triggers);
  if (name === 'status')
    return fc.oneof(
      fc.constantFrom('queued', 'running', 'succeeded', 'failed', 'timed_out', 'QUEUED', 'done'),
      shortNasty,
    );
  if (name === 'cursor')
    return fc.oneof(
      shortNasty,
      nastyJson.map((v) => Buffer.from(JSON.stringify(v) ?? '').toString('base64url')),
      fc.string({ maxLength: 40 }).map((s) => Buffer.from(s).toString('base64')),
    );
  if (schema.type === 'number' || schema.type === 'integer')
    return fc.oneof(nastyNumeral, fc.integer({ min: 0, max: 1000 }).map(String));
  return shortNasty;
}

/** `?a=…&b=…` with the operation's query parameters (wrong values, repeated, bracketed) and unknown ones. */
function queryString(op: Operation, pool: ResourcePool): fc.Arbitrary<Buffer> {
  const params = op.params.filter((p) => p.in === 'query');
  const pairs = params.map((p) =>
    fc.option(
      fc.tuple(
        fc.constantFrom(p.name, p.name, p.name, `${p.name}[]`, `${p.name}[a]`, `${p.name}[__proto__]`),
        encodedSegment(queryValue(p.name, p.schema, pool)),
        fc.boolean(),
      ),
      { freq: 2 },
    ),
  );
  const extra = fc.array(
    fc.oneof(
      fc.tuple(encodedSegment(shortNasty), encodedSegment(shortNasty)),
      fc.constantFrom<[string, string]>(
        ['', ''],
        ['__proto__', 'x'],
        ['constructor[prototype]', 'x'],
        ['%', '%'],
      ),
    ),
    { maxLength: 2 },
  );
  return fc.tuple(fc.tuple(...pairs), extra).map(([chosen, unknown]) => {
    const parts: Buffer[] = [];
    for (const pair of chosen) {
      if (!pair) continue;
      const [key, value, repeat] = pair;
      parts.push(Buffer.concat([Buffer.from(key + '='), value]));
      if (repeat) parts.push(Buffer.concat([Buffer.from(key + '='), value]));
    }
    for (const [k, v] of unknown)
      parts.push(Buffer.concat([Buffer.from(k), Buffer.from('='), Buffer.from(v)]));
    if (!parts.length) return Buffer.alloc(0);
    return Buffer.concat([Buffer.from('?'), ...parts.flatMap((p, i) => (i ? [Buffer.from('&'), p] : [p]))]);
  });
}

/** The path with its ids (`{id}`, `{version}`) as real ones, or replaced by absent ones and garbage. */
function pathOf(op: Operation, pool: ResourcePool, broken: boolean): fc.Arbitrary<Buffer> {
  const rows = op.method === 'DELETE' ? { ...pool, ...pool.expendable } : pool;
  const real = op.path.startsWith('/api/v1/triggers')
    ? rows.triggers
    : op.path.startsWith('/api/v1/executions')
      ? rows.executions
      : op.path.startsWith('/api/v1/api-keys')
        ? rows.apiKeys
        : rows.scripts;
  const pieces = op.path.split(/(\{[^}]+\})/).filter(Boolean);
  const suffix = broken
    ? fc.oneof(
        { weight: 6, arbitrary: fc.constant('') },
        { weight: 1, arbitrary: fc.constantFrom('/', '//', '/..', '/.') },
      )
    : fc.constant('');
  return fc
    .tuple(
      ...pieces.map((piece) => {
        if (piece === '{version}')
          return broken
            ? encodedSegment(fc.oneof(nastyNumeral, fc.constantFrom('1', '2', '3'), shortNasty))
            : fc.constantFrom('1', '2');
        if (piece.startsWith('{')) return broken ? encodedSegment(pathId(real)) : fc.constantFrom(...real);
        return fc.constant(piece);
      }),
      suffix,
    )
    .map((parts) => Buffer.concat(parts.map((p) => (Buffer.isBuffer(p) ? p : Buffer.from(p)))));
}

const wrongAuthorization = (adminKey: string): fc.Arbitrary<HeaderLines> =>
  fc.oneof(
    fc.constant<HeaderLines>([]),
    fc.constantFrom<[string, string][]>(
      [['authorization', 'Bearer']],
      [['authorization', 'Bearer ']],
      [['authorization', `bearer ${adminKey}`]],
      [['authorization', `Bearer  ${adminKey}`]],
      [['authorization', `Basic ${Buffer.from('admin:' + adminKey).toString('base64')}`]],
      [
        ['authorization', `Bearer ${adminKey}`],
        ['authorization', 'Bearer nope'],
      ],
      [['authorization', `Bearer ${'k'.repeat(8000)}`]],
    ),
    shortNasty.map(
      (s) =>
        [['authorization', Buffer.concat([Buffer.from('Bearer '), headerBytes(s)])]] as [string, Buffer][],
    ),
  );

const OTHER_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD', 'PROPFIND', 'FOO'];

/** Requests for one operation of the OpenAPI document with one or all of their parts malformed. */
export function operationCases(op: Operation, pool: ResourcePool): fc.Arbitrary<FuzzCase> {
  const label = `${op.method} ${op.path}`;
  const none = fc.constant(undefined);
  const parts = oneBrokenPart<{
    method: string;
    path: Buffer;
    query: Buffer;
    auth: HeaderLines;
    type: string | undefined;
    encoding: { name?: string; apply: (b: Buffer) => Buffer };
    body: Buffer | undefined;
    odd: HeaderLines;
    chunked: boolean;
  }>(
    {
      method: fc.constant(op.method),
      path: pathOf(op, pool, false),
      query: fc.constant(Buffer.alloc(0)),
      auth: fc.constant<HeaderLines>([['authorization', `Bearer ${pool.adminKey}`]]),
      type: fc.constant('application/json'),
      encoding: fc.constant({ apply: (b: Buffer) => b }),
      body: op.body ? validValue('body', op.body).map((v) => Buffer.from(JSON.stringify(v))) : none,
      odd: fc.constant<HeaderLines>([]),
      chunked: fc.constant(false),
    },
    {
      method: fc.constantFrom(...OTHER_METHODS),
      path: pathOf(op, pool, true),
      query: queryString(op, pool),
      auth: wrongAuthorization(pool.adminKey),
      type: contentType,
      encoding: contentEncoding,
      body: op.body
        ? fc.oneof(
            { weight: 12, arbitrary: serializedBody(mutatedBody(op.body)) },
            { weight: 1, arbitrary: none },
          )
        : serializedBody(nastyJson),
      odd: oddHeaders,
      chunked: fc.boolean(),
    },
    { body: op.body ? 10 : 1, path: 4, query: op.params.some((p) => p.in === 'query') ? 4 : 1 },
  );
  return parts.map(({ method, path, query, auth, type, encoding, body, odd, chunked }) => {
    const headers: HeaderLines = [...auth, ...odd];
    if (body !== undefined && type !== undefined) headers.push(['content-type', headerBytes(type)]);
    if (body !== undefined && encoding.name) headers.push(['content-encoding', encoding.name]);
    return {
      label,
      request: {
        method,
        target: Buffer.concat([path, query]),
        headers,
        body: body === undefined ? undefined : encoding.apply(body),
        chunked: body !== undefined && chunked,
      },
    };
  });
}
