import { ValidationError } from '@runlet/domain';

/** What a webhook request looks like to the script (`event.http`; docs/api.md, the script contract). */
export interface HttpEvent {
  /** Upper-case, e.g. 'POST'. */
  method: string;
  /** The part after `/hooks/:triggerId`, always starting with '/', as sent (not percent-decoded). */
  path: string;
  /**
   * Lower-case names; repeated headers joined with ', '; credentials removed. Values as Node
   * reads them: one character per byte (latin1), so bytes that are not UTF-8 survive.
   */
  headers: Record<string, string>;
  /** Percent-decoded: `%00` is NUL, invalid UTF-8 becomes U+FFFD. */
  query: Record<string, string | string[]>;
  /**
   * Parsed by content type: JSON (`application/json`, `*+json`) → the value; form
   * (`application/x-www-form-urlencoded`) → object (repeated keys → arrays); text (`text/*`,
   * `application/xml`, `*+xml`) → string; anything else → base64 string. No body → undefined.
   * Text keeps NUL; a sequence invalid in its charset becomes U+FFFD (rawBody keeps the bytes).
   * Stored losslessly whatever it holds (docs/json-encoding.md).
   */
  body: unknown;
  /** The exact bytes received, always base64 (binary-safe; scripts verifying their own signatures need them). */
  rawBody: string;
}

export interface HttpRequestParts {
  method: string;
  path?: string;
  headers: Record<string, string | string[] | undefined>;
  query: Record<string, string | string[] | undefined>;
  rawBody: Buffer;
  /** Defaults to the Content-Type header. */
  contentType?: string;
}

/** Credentials for the platform, not for the script: a script's logs must not leak the caller's token. */
// x-gitlab-token is GitLab's secret itself, sent as is: like a bearer token, it is never recorded.
export const STRIPPED_HEADERS = [
  'authorization',
  'proxy-authorization',
  'cookie',
  'x-runlet-signature',
  'x-gitlab-token',
];

export function toHttpEvent(request: HttpRequestParts): HttpEvent {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    const key = name.toLowerCase();
    if (value === undefined || STRIPPED_HEADERS.includes(key)) continue;
    const joined = Array.isArray(value) ? value.join(', ') : value;
    headers[key] = headers[key] !== undefined ? `${headers[key]}, ${joined}` : joined;
  }
  const query: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(request.query)) {
    if (value !== undefined) query[name] = value;
  }
  const contentType = request.contentType ?? firstHeader(request.headers, 'content-type');
  return {
    method: request.method.toUpperCase(),
    path: normalizePath(request.path),
    headers,
    query,
    body: parseBody(request.rawBody, contentType),
    rawBody: request.rawBody.toString('base64'),
  };
}

export function parseBody(rawBody: Buffer, contentType: string | undefined): unknown {
  if (rawBody.length === 0) return undefined;
  const { mediaType, charset } = parseContentType(contentType);
  if (mediaType === 'application/json' || mediaType.endsWith('+json')) {
    try {
      return JSON.parse(decode(rawBody, charset));
    } catch (err) {
      throw new ValidationError(`request body is not valid JSON: ${(err as Error).message}`);
    }
  }
  if (mediaType === 'application/x-www-form-urlencoded') {
    const form: Record<string, string | string[]> = {};
    for (const [key, value] of new URLSearchParams(decode(rawBody, charset))) {
      const existing = form[key];
      form[key] =
        existing === undefined ? value : Array.isArray(existing) ? [...existing, value] : [existing, value];
    }
    return form;
  }
  if (mediaType.startsWith('text/') || mediaType === 'application/xml' || mediaType.endsWith('+xml')) {
    return decode(rawBody, charset);
  }
  return rawBody.toString('base64');
}

function parseContentType(contentType: string | undefined): { mediaType: string; charset?: string } {
  const [type, ...params] = (contentType ?? '').split(';');
  const charset = params
    .map((p) => /^\s*charset\s*=\s*"?([^";\s]+)"?\s*$/i.exec(p)?.[1])
    .find((c): c is string => c !== undefined);
  return { mediaType: type.trim().toLowerCase(), charset };
}

/** Decodes with the declared charset when the runtime knows it, UTF-8 otherwise. */
function decode(bytes: Buffer, charset: string | undefined): string {
  try {
    return new TextDecoder(charset ?? 'utf-8').decode(bytes);
  } catch {
    return new TextDecoder('utf-8').decode(bytes);
  }
}

function normalizePath(path: string | undefined): string {
  if (!path) return '/';
  return path.startsWith('/') ? path : `/${path}`;
}

function firstHeader(headers: HttpRequestParts['headers'], name: string): string | undefined {
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === name) return Array.isArray(value) ? value[0] : value;
  }
  return undefined;
}
