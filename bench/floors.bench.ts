import { spawn, spawnSync } from 'node:child_process';
import { Agent, request } from 'node:http';
import Redis from 'ioredis';
import { Client } from 'pg';
import { recreateTestDatabase } from '../test/support/database';
import { ms, report, summarize } from './stats';

/**
 * What this machine can do at best, measured in the same run as every other figure: the cost of
 * starting Node at all, one Redis round trip, one durable single-row PostgreSQL commit and one
 * HTTP round trip to a server that does nothing. Runlet's figures are read against these.
 */
export async function benchFloors(): Promise<void> {
  const nodeStart = summarize(
    Array.from({ length: 20 }, () => {
      const t0 = performance.now();
      spawnSync(process.execPath, ['-e', '0']);
      return performance.now() - t0;
    }),
  );

  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  const pings: number[] = [];
  for (let i = 0; i < 2000; i++) {
    const t0 = performance.now();
    await redis.ping();
    pings.push(performance.now() - t0);
  }
  redis.disconnect();

  const pg = new Client({ connectionString: await recreateTestDatabase('bench_floors') });
  await pg.connect();
  await pg.query('SET synchronous_commit = on');
  await pg.query('CREATE TABLE floor (id bigint PRIMARY KEY, data jsonb NOT NULL)');
  const inserts: number[] = [];
  for (let i = 0; i < 500; i++) {
    const t0 = performance.now();
    await pg.query('INSERT INTO floor VALUES ($1, $2)', [i, { i }]);
    inserts.push(performance.now() - t0);
  }
  await pg.end();

  const http = await httpRoundTrips(2000);
  const s = (xs: number[]) => summarize(xs);
  report('floors: this machine at best (measured in this run)', [
    ['node -e 0 start p50', ms(nodeStart.p50)],
    ['Redis PING round trip p50 / p99', `${ms(s(pings).p50)} / ${ms(s(pings).p99)}`],
    [
      'PostgreSQL single-row insert, durable commit p50 / p99',
      `${ms(s(inserts).p50)} / ${ms(s(inserts).p99)}`,
    ],
    ['HTTP round trip to a trivial Node server p50 / p99', `${ms(http.p50)} / ${ms(http.p99)}`],
  ]);
}

/** Sequential keep-alive requests to a do-nothing server in a process of its own. */
async function httpRoundTrips(n: number): Promise<{ p50: number; p99: number }> {
  const serverCode =
    "const s=require('http').createServer((q,r)=>r.end('ok'));" +
    "s.listen(0,'127.0.0.1',()=>console.log(s.address().port))";
  const server = spawn(process.execPath, ['-e', serverCode], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const port = await new Promise<number>((resolve, reject) => {
      server.stdout.once('data', (chunk: Buffer) => resolve(Number(chunk.toString().trim())));
      server.once('error', reject);
    });
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const samples: number[] = [];
    for (let i = 0; i < n; i++) {
      const t0 = performance.now();
      await new Promise<void>((resolve, reject) => {
        request({ host: '127.0.0.1', port, path: '/', agent }, (res) => {
          res.resume();
          res.on('end', resolve);
        })
          .on('error', reject)
          .end();
      });
      samples.push(performance.now() - t0);
    }
    agent.destroy();
    return summarize(samples);
  } finally {
    server.kill();
  }
}
