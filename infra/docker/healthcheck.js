// The image's HEALTHCHECK: GET /health on the API port (api role) or, for a process without the
// api role, on RUNLET_METRICS_PORT; healthy only on 200 (a degraded platform answers 503).
'use strict';
const http = require('node:http');

const ports = [process.env.PORT || '8080', process.env.RUNLET_METRICS_PORT].filter(Boolean);

function probe(port) {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/health', timeout: 4000 }, (res) => {
      res.resume();
      resolve(res.statusCode);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(undefined));
  });
}

(async () => {
  for (const port of ports) {
    const status = await probe(port);
    if (status !== undefined) process.exit(status === 200 ? 0 : 1);
  }
  process.exit(1);
})();
