/**
 * How a script's return value becomes the webhook's HTTP response (docs/api.md, the script contract):
 * - `undefined` → 204, no body;
 * - a serialized WHATWG Response (below) → that response;
 * - an object whose keys are only `status` (integer 100–599), `headers` and `body` → that response;
 *   body string → as is (text/plain), Buffer/bytes → as is (application/octet-stream), null/absent →
 *   empty, anything else → JSON (application/json); a content-type the script set always wins;
 * - anything else (including `{ status: 'ok' }` or `{ status: 404, message }`) → 200 with the value as JSON.
 */
export interface HttpResponse {
  status: number;
  /** Lower-case names. `set-cookie` may be a list (Express `res.set` accepts both). */
  headers: Record<string, string | string[]>;
  body: Buffer | string;
}

/**
 * A `Response` returned by a script, as the sandbox harness serialises it across the process
 * boundary. The marker and shape are the contract between harness and API: `body` is the response
 * bytes in base64 (binary-safe), or null for no body.
 */
export interface SerializedResponse {
  __runletResponse: true;
  status: number;
  headers: Record<string, string | string[]>;
  body: string | null;
}

export function isSerializedResponse(value: unknown): value is SerializedResponse {
  return isPlainObject(value) && value.__runletResponse === true;
}

/** For the harness: turns a WHATWG Response into the marker object. */
export async function serializeResponse(response: Response): Promise<SerializedResponse> {
  const headers: Record<string, string | string[]> = {};
  response.headers.forEach((value, name) => {
    if (name !== 'set-cookie') headers[name] = value;
  });
  const cookies = response.headers.getSetCookie();
  if (cookies.length) headers['set-cookie'] = cookies;
  const bytes = response.body ? Buffer.from(await response.arrayBuffer()) : null;
  return {
    __runletResponse: true,
    status: response.status,
    headers,
    body: bytes ? bytes.toString('base64') : null,
  };
}

const RESPONSE_KEYS = new Set(['status', 'headers', 'body']);
// Framing headers are the server's job; a script setting them would corrupt the response.
const DROPPED_HEADERS = new Set([
  'content-length',
  'transfer-encoding',
  'connection',
  'keep-alive',
  'upgrade',
]);
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const JSON_TYPE = 'application/json; charset=utf-8';
const TEXT_TYPE = 'text/plain; charset=utf-8';

export function toHttpResponse(result: unknown): HttpResponse {
  try {
    return mapResult(result);
  } catch (err) {
    return scriptError((err as Error).message);
  }
}

function mapResult(result: unknown): HttpResponse {
  if (result === undefined) return { status: 204, headers: {}, body: '' };
  if (isSerializedResponse(result)) {
    const body = typeof result.body === 'string' ? Buffer.from(result.body, 'base64') : '';
    return finish(result.status, sanitizeHeaders(result.headers), body);
  }
  if (isResponseShaped(result)) {
    const headers = sanitizeHeaders(result.headers);
    const { body, contentType } = encodeBody(result.body);
    if (contentType && !headers['content-type']) headers['content-type'] = contentType;
    return finish(result.status, headers, body);
  }
  return finish(200, { 'content-type': JSON_TYPE }, toJson(result));
}

function isResponseShaped(value: unknown): value is { status: number; headers?: unknown; body?: unknown } {
  return (
    isPlainObject(value) &&
    typeof value.status === 'number' &&
    Object.keys(value).every((k) => RESPONSE_KEYS.has(k))
  );
}

function finish(
  status: unknown,
  headers: Record<string, string | string[]>,
  body: Buffer | string,
): HttpResponse {
  if (typeof status !== 'number' || !Number.isInteger(status) || status < 100 || status > 599) {
    return scriptError(
      `the script returned an invalid HTTP status ${JSON.stringify(status)} (expected 100-599)`,
    );
  }
  // These statuses must not carry a body.
  if (status < 200 || status === 204 || status === 304) {
    delete headers['content-type'];
    return { status, headers, body: '' };
  }
  return { status, headers, body };
}

function encodeBody(body: unknown): { body: Buffer | string; contentType?: string } {
  if (body === undefined || body === null) return { body: '' };
  if (typeof body === 'string') return { body, contentType: TEXT_TYPE };
  if (Buffer.isBuffer(body)) return { body, contentType: 'application/octet-stream' };
  if (body instanceof Uint8Array) return { body: Buffer.from(body), contentType: 'application/octet-stream' };
  return { body: toJson(body), contentType: JSON_TYPE };
}

/** Keeps valid header names and values only (no CR/LF injection); lower-cases names. */
function sanitizeHeaders(headers: unknown): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  if (!isPlainObject(headers)) return out;
  for (const [rawName, rawValue] of Object.entries(headers)) {
    const name = rawName.toLowerCase();
    if (!HEADER_NAME.test(name) || DROPPED_HEADERS.has(name)) continue;
    const values = (Array.isArray(rawValue) ? rawValue : [rawValue])
      .filter((v) => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean')
      .map(String)
      .filter((v) => !/[\r\n\0]/.test(v));
    if (!values.length) continue;
    out[name] = name === 'set-cookie' && values.length > 1 ? values : values.join(', ');
  }
  return out;
}

function toJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? 'null';
  } catch (err) {
    throw new Error(`the script's result cannot be sent as JSON: ${(err as Error).message}`, { cause: err });
  }
}

function scriptError(message: string): HttpResponse {
  return { status: 500, headers: { 'content-type': JSON_TYPE }, body: JSON.stringify({ error: message }) };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !Buffer.isBuffer(value);
}
