import { createServer, Server } from 'node:http';

/**
 * A local npm registry that knows no package: every metadata request answers 404 at once. The fuzz
 * saves scripts with made-up dependencies; their installs must fail fast here, never query the public registry.
 */
export async function startDeadRegistry(): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((_req, res) => {
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end('{"error":"Not found"}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
