import { createServer } from 'node:http';
import { AddressInfo } from 'node:net';

/** A local HTTP endpoint standing in for a user's failure-notification URL. */
export interface NotificationReceiver {
  url: string;
  /** Bodies received, in order (including refused ones). */
  deliveries: any[];
  /** Resolves once `n` deliveries arrived (or after 20 s, the caller's assertions then tell). */
  waitFor(n: number): Promise<void>;
  close(): void;
}

/** `status(n)` answers the n-th delivery (1-based), e.g. 500 to make the platform retry. */
export async function startNotificationReceiver(
  status: (n: number) => number = () => 204,
): Promise<NotificationReceiver> {
  const deliveries: any[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      deliveries.push(JSON.parse(body));
      res.statusCode = status(deliveries.length);
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/failures`,
    deliveries,
    async waitFor(n) {
      for (let i = 0; i < 200 && deliveries.length < n; i++) await new Promise((r) => setTimeout(r, 100));
    },
    close: () => server.close(),
  };
}
