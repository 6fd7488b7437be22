import { BeforeApplicationShutdown, Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';

/**
 * On shutdown, before Nest closes the HTTP server: every response from now on says
 * `Connection: close` and its connection closes once it is sent, and idle keep-alive connections
 * close as soon as they are idle. Without it a client that keeps sending on a kept-alive connection is served for
 * ever and `server.close()` never returns, so a SIGTERMed api process did not exit; requests
 * already in flight (a sync webhook waiting for its script) are still answered.
 */
@Injectable()
export class ConnectionDrain implements BeforeApplicationShutdown {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  beforeApplicationShutdown(): void {
    const server = this.adapterHost.httpAdapter?.getHttpServer() as Server | undefined;
    if (!server) return;
    server.prependListener('request', (_req: IncomingMessage, res: ServerResponse) => {
      res.shouldKeepAlive = false;
    });
    // A response in flight now keeps its connection alive; close each as soon as it is idle.
    server.closeIdleConnections();
    const sweep = setInterval(() => server.closeIdleConnections(), 100).unref();
    server.once('close', () => clearInterval(sweep));
  }
}
