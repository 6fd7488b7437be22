import { createServer, Server } from 'node:http';
import { runningSubscriptions } from '@runlet/event-store';
import { metricsRegistry } from './metrics';

/**
 * For processes that run only worker roles (scheduler, builder, executor): a bare HTTP server
 * with /metrics for Prometheus and /health for probes: 503 `degraded` naming each subscription of
 * this process that is stuck on an event. The api role serves both itself.
 */
export function startMetricsServer(port: number): Promise<Server> {
  const server = createServer((req, res) => {
    if (req.url === '/metrics') {
      metricsRegistry.metrics().then(
        (text) => res.writeHead(200, { 'content-type': metricsRegistry.contentType }).end(text),
        (err) => res.writeHead(500).end(String(err)),
      );
    } else if (req.url === '/health') {
      const stuck = runningSubscriptions().flatMap((s) => (s.failing ? [s.failing] : []));
      const body = stuck.length ? { status: 'degraded', checks: { subscriptions: stuck } } : { status: 'ok' };
      res
        .writeHead(stuck.length ? 503 : 200, { 'content-type': 'application/json' })
        .end(JSON.stringify(body));
    } else {
      res.writeHead(404).end();
    }
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, () => resolve(server));
  });
}
