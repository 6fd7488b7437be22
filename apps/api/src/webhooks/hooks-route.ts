import { Logger } from '@nestjs/common';
import { raw } from 'express';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { parse as parseQuery } from 'node:querystring';
import { bodyErrorReply, contractError, errorReply } from '../http/error.filter';
import { isIdOf } from '../http/path-params';
import { httpDuration } from '../http/metrics';
import { WebhookHandler, WebhookReply } from './webhook-handler';

const PREFIX = '/hooks/';

/**
 * Serves `ANY /hooks/:triggerId[/*]` on the HTTP server ahead of Express. The webhook hot path
 * needs none of Express's and Nest's per-request machinery (routing, guards, pipes, interceptors),
 * which cost more CPU than the rest of a trivial webhook's own handling; everything else still
 * goes to Express. The body is read by the same body-parser (limit, inflation, its errors) as
 * Express would use, and errors leave in the API's error shape.
 */
export function serveHooksAhead(server: Server, handler: WebhookHandler, bodyLimitBytes: number): void {
  const readBody = raw({ type: () => true, limit: bodyLimitBytes });
  const others = server.listeners('request') as ((req: IncomingMessage, res: ServerResponse) => void)[];
  server.removeAllListeners('request');
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (req.url?.startsWith(PREFIX)) return serveHook(req, res);
    for (const listener of others) listener.call(server, req, res);
  });
  const log = new Logger('http');

  function serveHook(req: IncomingMessage, res: ServerResponse): void {
    const end = httpDuration.startTimer();
    const url = req.url!;
    const queryAt = url.indexOf('?');
    const pathname = queryAt < 0 ? url : url.slice(0, queryAt);
    const rest = pathname.slice(PREFIX.length);
    const slash = rest.indexOf('/');
    const route = slash < 0 ? '/hooks/:triggerId' : '/hooks/:triggerId/*path';
    res.on('finish', () => end({ method: req.method, route, status: String(res.statusCode) }));
    const triggerId = decode(slash < 0 ? rest : rest.slice(0, slash));
    // Checked like the API's path ids: an id that cannot be a trigger's is not looked up.
    if (!isIdOf('trigger', triggerId)) return send(res, contractError(404, 'no such webhook trigger'));
    readBody(req as any, res as any, (err?: any) => {
      if (err) return send(res, bodyErrorReply(err) ?? errorReply(err));
      handler
        .handle({
          triggerId,
          path: slash < 0 ? '/' : rest.slice(slash),
          url,
          method: req.method ?? 'GET',
          headers: req.headers,
          query: queryAt < 0 ? {} : { ...parseQuery(url.slice(queryAt + 1)) },
          rawBody: Buffer.isBuffer((req as any).body) ? (req as any).body : Buffer.alloc(0),
        })
        .then(
          (reply) => send(res, reply),
          (error) => {
            const reply = errorReply(error);
            if (reply.status >= 500) log.error(error);
            send(res, reply);
          },
        );
    });
  }
}

function send(res: ServerResponse, reply: WebhookReply): void {
  if (res.headersSent) return void res.end();
  const headers = { ...reply.headers };
  const hasBody = reply.status >= 200 && reply.status !== 204 && reply.status !== 304;
  // Express's defaults for a body without a type, which scripts' responses have relied on.
  if (hasBody && !headers['content-type']) {
    headers['content-type'] =
      typeof reply.body === 'string' ? 'text/html; charset=utf-8' : 'application/octet-stream';
  }
  if (hasBody) headers['content-length'] = String(Buffer.byteLength(reply.body));
  res.writeHead(reply.status, headers);
  res.end(hasBody ? reply.body : undefined);
}

/** Like Express's route parameters: percent-decoded, left as is when malformed. */
function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
