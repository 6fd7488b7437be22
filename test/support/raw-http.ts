import { connect } from 'node:net';

/** Header lines in order (a name may repeat); values as bytes or latin1 text. */
export type HeaderLines = [string, Buffer | string][];

/** A request written byte for byte: no client-side validation or normalisation of any part. */
export interface RawRequest {
  method: string;
  /** The request-target as sent (may hold bytes that are not UTF-8). */
  target: Buffer;
  headers: HeaderLines;
  body?: Buffer;
  /** Send the body as one chunk of `Transfer-Encoding: chunked` instead of with a Content-Length. */
  chunked?: boolean;
}

export type RawResponse =
  | { status: number; headers: Record<string, string>; body: Buffer }
  /** No complete answer: the connection closed without one, or nothing came within the timeout. */
  | { status: 0; error: string };

/**
 * One request over its own connection (`Connection: close`), read to the end. A streamed answer
 * (`text/event-stream`) is cut off after its head, which is all a fuzz needs of it.
 */
export function sendRaw(port: number, req: RawRequest, timeoutMs: number): Promise<RawResponse> {
  const body = req.body ?? Buffer.alloc(0);
  const head: Buffer[] = [Buffer.from(`${req.method} `, 'latin1'), req.target, Buffer.from(' HTTP/1.1\r\n')];
  const headerLine = (name: string, value: Buffer | string) =>
    head.push(Buffer.from(`${name}: `, 'latin1'), Buffer.from(value as any, 'latin1'), Buffer.from('\r\n'));
  headerLine('host', `127.0.0.1:${port}`);
  headerLine('connection', 'close');
  for (const [name, value] of req.headers) headerLine(name, value);
  if (req.chunked) headerLine('transfer-encoding', 'chunked');
  else if (body.length > 0 || ['POST', 'PUT', 'PATCH'].includes(req.method))
    headerLine('content-length', String(body.length));
  head.push(Buffer.from('\r\n'));
  const payload = req.chunked
    ? Buffer.concat([
        ...(body.length ? [Buffer.from(`${body.length.toString(16)}\r\n`), body, Buffer.from('\r\n')] : []),
        Buffer.from('0\r\n\r\n'),
      ])
    : body;

  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    let settled = false;
    const finish = (res: RawResponse) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(res);
    };
    const timer = setTimeout(
      () => finish({ status: 0, error: `no answer within ${timeoutMs} ms` }),
      timeoutMs,
    );
    socket.on('error', () => undefined); // a reset after the answer is normal; no answer is judged on close
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      const parsed = parseHead(Buffer.concat(chunks));
      if (parsed && parsed.headers['content-type']?.startsWith('text/event-stream'))
        finish({ ...parsed, body: Buffer.alloc(0) });
    });
    socket.on('close', () => {
      const all = Buffer.concat(chunks);
      const parsed = parseHead(all);
      if (!parsed)
        return finish({ status: 0, error: `connection closed after ${all.length} bytes, no answer` });
      const raw = all.subarray(parsed.bodyAt);
      finish({ status: parsed.status, headers: parsed.headers, body: parsed.chunked ? dechunk(raw) : raw });
    });
    socket.write(Buffer.concat([...head, payload]));
  });
}

function parseHead(bytes: Buffer, from = 0): ReturnType<typeof headAt> {
  const head = headAt(bytes, from);
  // Skip interim answers (`100 Continue` to an `Expect` header).
  return head && head.status < 200 ? parseHead(bytes, head.bodyAt) : head;
}

function headAt(bytes: Buffer, from: number) {
  const end = bytes.indexOf('\r\n\r\n', from);
  if (end < 0) return null;
  const [statusLine, ...lines] = bytes.subarray(from, end).toString('latin1').split('\r\n');
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1]);
  if (!status) return null;
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { status, headers, bodyAt: end + 4, chunked: /chunked/i.test(headers['transfer-encoding'] ?? '') };
}

function dechunk(raw: Buffer): Buffer {
  const parts: Buffer[] = [];
  let at = 0;
  while (at < raw.length) {
    const lineEnd = raw.indexOf('\r\n', at);
    if (lineEnd < 0) break;
    const size = parseInt(raw.subarray(at, lineEnd).toString('latin1'), 16);
    if (!size) break;
    parts.push(raw.subarray(lineEnd + 2, lineEnd + 2 + size));
    at = lineEnd + 2 + size + 2;
  }
  return Buffer.concat(parts);
}
