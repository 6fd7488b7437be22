import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

/**
 * Node-RED as the webhook bench's peer: installed with npm into a temporary folder (kept between
 * bench runs, so only the first one downloads it) and started with one flow, http-in →
 * http-response, on a free port. It stores nothing and isolates nothing.
 */
export interface NodeRed {
  url: string;
  version: string;
  stop(): Promise<void>;
}

const DIR = join(tmpdir(), 'runlet-bench-node-red');

const FLOW = [
  { id: 'bench', type: 'tab', label: 'bench' },
  { id: 'in', type: 'http in', z: 'bench', url: '/hook', method: 'post', wires: [['out']] },
  { id: 'out', type: 'http response', z: 'bench', statusCode: '200', headers: {}, wires: [] },
];

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

export async function startNodeRed(): Promise<NodeRed> {
  const red = join(DIR, 'node_modules', 'node-red', 'red.js');
  if (!existsSync(red)) {
    mkdirSync(DIR, { recursive: true });
    writeFileSync(join(DIR, 'package.json'), '{"private":true}');
    await promisify(execFile)('npm', ['install', '--no-audit', '--no-fund', 'node-red@4'], {
      cwd: DIR,
      maxBuffer: 64 * 1024 * 1024,
      timeout: 300_000,
    });
  }
  const manifest = readFileSync(join(DIR, 'node_modules', 'node-red', 'package.json'), 'utf8');
  const version = (JSON.parse(manifest) as { version: string }).version;
  const userDir = join(DIR, 'user');
  mkdirSync(userDir, { recursive: true });
  writeFileSync(join(userDir, 'flows.json'), JSON.stringify(FLOW));
  const port = await freePort();
  const child = spawn(process.execPath, [red, '--userDir', userDir, '--port', String(port), 'flows.json'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const started = new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (/Started flows/.test(output)) resolve();
    });
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('exit', (code) => reject(new Error(`node-red exited (${code}): ${output.slice(-500)}`)));
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  try {
    await started;
  } finally {
    clearTimeout(timer);
  }
  child.stdout.resume();
  return {
    url: `http://127.0.0.1:${port}/hook`,
    version,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** Node-RED's figures measured last on this machine (2 shared cores), printed when it cannot be installed. */
export const LAST_NODE_RED = {
  date: '2026-12-01',
  version: '4.1.15',
  oneClient: { p50: 0.44, p99: 3.11, perSecond: 1924 },
  sixteenClients: { p50: 3.26, p99: 13.99, perSecond: 3635 },
};
