// Runs inside the fresh-machine test's private network namespace (it holds the namespace across
// platform restarts). Two jobs:
//  - an npm registry stand-in on 127.0.0.1:4873 serving one real package tarball (packed from the
//    registry beforehand), because the namespace has no route to the real registry;
//  - an HTTP bridge from a Unix socket (file system, so reachable from the test outside the
//    namespace) to the platform's API on the namespace's 127.0.0.1:8080, plus /-/listening/<port>
//    to ask whether anything listens on a port inside the namespace.
// Usage: node namespace-companion.js <socket path> <tarball> <name> <version> <integrity> <shasum>
const { createServer, request } = require('node:http');
const { connect } = require('node:net');
const { readFileSync } = require('node:fs');

const [socketPath, tarball, name, version, integrity, shasum] = process.argv.slice(2);
const REGISTRY = 'http://127.0.0.1:4873';
const tarballPath = `/${name}/-/${name}-${version}.tgz`;
const packument = {
  name,
  'dist-tags': { latest: version },
  versions: { [version]: { name, version, dist: { tarball: REGISTRY + tarballPath, integrity, shasum } } },
};

createServer((req, res) => {
  const path = decodeURIComponent(req.url.split('?')[0]);
  console.log(`registry ${req.method} ${path}`);
  if (path === `/${name}`) {
    res.writeHead(200, { 'content-type': 'application/json' });
    return res.end(JSON.stringify(packument));
  }
  if (path === tarballPath) {
    res.writeHead(200, { 'content-type': 'application/octet-stream' });
    return res.end(readFileSync(tarball));
  }
  res.writeHead(404, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ error: 'Not found' }));
}).listen(4873, '127.0.0.1');

createServer((req, res) => {
  const probe = /^\/-\/listening\/(\d+)$/.exec(req.url);
  if (probe) {
    const socket = connect({ host: '127.0.0.1', port: Number(probe[1]) });
    const answer = (listening) => {
      socket.destroy();
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ listening }));
    };
    socket.once('connect', () => answer(true));
    socket.once('error', () => answer(false));
    return;
  }
  const upstream = request(
    { host: '127.0.0.1', port: 8080, method: req.method, path: req.url, headers: req.headers },
    (reply) => {
      res.writeHead(reply.statusCode, reply.headers);
      reply.pipe(res);
    },
  );
  upstream.once('error', (err) => {
    res.writeHead(502, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ bridge: err.code || err.message }));
  });
  req.pipe(upstream);
}).listen(socketPath, () => console.log('companion ready'));
