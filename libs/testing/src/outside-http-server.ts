import { execFileSync } from 'node:child_process';

export interface OutsideHttpServer {
  /** e.g. http://198.51.100.10:8080/ — answers every request with `hello from outside`. */
  url: string;
  stop(): void;
}

/**
 * "The internet" for tests of `egress`: a real HTTP server in a container (runlet/node-base:20,
 * from `npm run images:base`) on a Docker network of its own in a documentation range (TEST-NET-2,
 * else TEST-NET-3), which egress does not block — unlike the host's own addresses and the private
 * ranges. The host routes to it through the network's bridge.
 */
export async function startOutsideHttpServer(name: string): Promise<OutsideHttpServer> {
  const docker = (...args: string[]) =>
    execFileSync('docker', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  const quiet = (...args: string[]) => {
    try {
      docker(...args);
    } catch {
      // not there
    }
  };
  const stop = () => {
    quiet('rm', '-fv', name);
    quiet('network', 'rm', name);
  };
  stop();
  // A second subnet for when another test holds the first one (Docker refuses overlapping networks).
  const prefix = ['198.51.100', '203.0.113'].find((candidate) => {
    try {
      docker('network', 'create', '--subnet', `${candidate}.0/24`, name);
      return true;
    } catch {
      return false;
    }
  });
  if (!prefix)
    throw new Error('no documentation subnet free for a Docker network (198.51.100.0/24, 203.0.113.0/24)');
  const ip = `${prefix}.10`;
  docker(
    'run',
    '-d',
    '--name',
    name,
    '--network',
    name,
    '--ip',
    ip,
    'runlet/node-base:20',
    'node',
    '-e',
    `require('http').createServer((req, res) => res.end('hello from outside')).listen(8080)`,
  );
  const url = `http://${ip}:8080/`;
  for (let tries = 0; ; tries++) {
    const answered = await fetch(url).then(
      (res) => res.ok,
      () => false,
    );
    if (answered) return { url, stop };
    if (tries > 100) {
      stop();
      throw new Error(`the outside HTTP server at ${url} did not answer`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
