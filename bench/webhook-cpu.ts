import 'reflect-metadata';
import { readdirSync, readFileSync } from 'node:fs';
import Redis from 'ioredis';
import { Client } from 'pg';
import { Database } from '@runlet/event-store';
import { benchPlatform, DEFAULTS, loadOverHttp, trivialScript } from './platform-bench';
import { ms, summarize } from './stats';
import type { TestPlatform } from '../test/support/platform';

/**
 * `node dist/bench/webhook-cpu.js [seconds]`: the CPU time one sync webhook execution costs, per
 * process, with the webhooks bench's settings and load (1 client, then 16). Wall-clock figures
 * swing on a shared machine; CPU time per execution barely does, so this is the figure to drive
 * down. Run it with `node --cpu-prof` to see where the platform's share goes. Writes no report.
 */
/** With RUNLET_BENCH_ROUND_TRIPS=1: PostgreSQL queries and Redis commands per call, by kind. */
const COUNT = process.env.RUNLET_BENCH_ROUND_TRIPS === '1';
const trips = new Map<string, number>();
if (COUNT) {
  const count = (kind: string) => trips.set(kind, (trips.get(kind) ?? 0) + 1);
  const query = Client.prototype.query as (...args: unknown[]) => unknown;
  (Client.prototype as any).query = function (this: unknown, q: any, ...rest: unknown[]) {
    const text = typeof q === 'string' ? q : (q?.text ?? q?.name ?? '?');
    count(`pg ${String(text).replace(/\s+/g, ' ').trim().slice(0, 90)}`);
    return query.call(this, q, ...rest);
  };
  const send = Redis.prototype.sendCommand as (...args: unknown[]) => unknown;
  (Redis.prototype as any).sendCommand = function (this: unknown, command: any, ...rest: unknown[]) {
    const args = command?.name === 'evalsha' ? ` ${String(command.args?.[0]).slice(0, 8)}` : '';
    count(`redis ${command?.name}${args}`);
    return send.call(this, command, ...rest);
  };
}

const CLK_TCK = 100; // USER_HZ: /proc/<pid>/stat counts CPU time in these

/** utime + stime of a process, in ms (0 when it is gone). */
function procCpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLK_TCK; // utime, stime
  } catch {
    return 0;
  }
}

/** The PostgreSQL backends serving this platform's database. */
async function backendPids(p: TestPlatform): Promise<number[]> {
  const rows = await p.app
    .get(Database)
    .query(`SELECT pid FROM pg_stat_activity WHERE datname = current_database()`);
  return rows.map((r: any) => Number(r.pid));
}

/** This process's descendants (the sandboxes), from /proc. */
function descendants(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      (children.get(ppid) ?? children.set(ppid, []).get(ppid)!).push(Number(name));
    } catch {
      // gone meanwhile
    }
  }
  const out: number[] = [];
  const walk = (pid: number) =>
    (children.get(pid) ?? []).forEach((c) => {
      out.push(c);
      walk(c);
    });
  walk(root);
  return out;
}

/** The platform process's CPU ms per second while no call comes (timers, polls, subscriptions). */
async function idleCpuPerSecond(seconds: number): Promise<number> {
  const cpu0 = process.cpuUsage();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  const cpu = process.cpuUsage(cpu0);
  return (cpu.user + cpu.system) / 1000 / seconds;
}

async function measure(
  p: TestPlatform,
  url: string,
  clients: number,
  seconds: number,
  idlePerSecond: number,
): Promise<void> {
  const pids = await backendPids(p);
  const sandboxes = descendants(process.pid);
  const pg0 = pids.map(procCpuMs);
  const sb0 = sandboxes.map(procCpuMs);
  trips.clear();
  const from = process.hrtime.bigint() / 1000n; // the clock of --cpu-prof's timestamps, in µs
  const cpu0 = process.cpuUsage();
  const run = await loadOverHttp({
    url,
    method: 'POST',
    body: '{"a":1}',
    headers: { 'content-type': 'application/json' },
    status: 200,
    clients,
    seconds,
  });
  const cpu = process.cpuUsage(cpu0);
  const to = process.hrtime.bigint() / 1000n;
  const n = run.latencies.length;
  const s = summarize(run.latencies);
  const per = (total: number) => (total / n).toFixed(3);
  const pg = pids.reduce((sum, pid, i) => sum + procCpuMs(pid) - pg0[i], 0);
  const sb = sandboxes.reduce((sum, pid, i) => sum + procCpuMs(pid) - sb0[i], 0);
  console.log(
    `${String(clients).padStart(2)} clients: ${n} calls, ${Math.round(n / run.seconds)}/s, p50 ${ms(s.p50)}, p99 ${ms(s.p99)}; ` +
      `CPU ms per call: platform ${per((cpu.user + cpu.system) / 1000)} ` +
      `(${per((cpu.user + cpu.system) / 1000 - idlePerSecond * run.seconds)} beyond idle), ` +
      `postgres ${per(pg)}, sandboxes ${per(sb)}, client ${run.cpuMsPerCall.toFixed(3)} [profile window ${from}-${to}]`,
  );
  for (const [kind, times] of [...trips].sort((a, b) => b[1] - a[1]))
    if (times / n >= 0.01) console.log(`  ${(times / n).toFixed(2).padStart(6)} per call  ${kind}`);
}

async function main(): Promise<void> {
  const seconds = Number(process.argv[2] ?? 5);
  const p = await benchPlatform('webhook_cpu', {
    webhooks: { ...DEFAULTS.webhooks, ratePerSecond: 1_000_000 },
  });
  try {
    const id = await trivialScript(p);
    const trigger = (await p.api('POST', `/api/v1/scripts/${id}/triggers`, { type: 'http' })).body;
    const url = `${p.url}/hooks/${trigger.id}`;
    const warm = { url, method: 'POST', body: '{}', headers: {}, status: 200, seconds: 1 };
    await loadOverHttp({ ...warm, clients: 1 });
    await loadOverHttp({ ...warm, clients: 16, seconds: 3 });
    const idle = await idleCpuPerSecond(seconds);
    console.log(`idle: platform ${idle.toFixed(1)} CPU ms/s`);
    for (const clients of [1, 16]) await measure(p, url, clients, seconds, idle);
  } finally {
    await p.close();
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
