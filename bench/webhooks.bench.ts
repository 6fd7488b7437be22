import { LAST_NODE_RED, startNodeRed } from './node-red';
import { benchPlatform, DEFAULTS, loadOverHttp, recordedCounts, trivialScript } from './platform-bench';
import { atLeast, atMost, ms, report, summarize, type Row } from './stats';
import { hostCpu, hostLoad } from './host-cpu';
import type { LoadSpec } from './load-client';
import type { TestPlatform } from '../test/support/platform';

const SECONDS = 5;

/** The sum of a metric's samples on /metrics (all label sets). */
async function metric(p: TestPlatform, name: string): Promise<number> {
  const text = await (await fetch(`${p.url}/metrics`)).text();
  return text
    .split('\n')
    .filter((line) => line.startsWith(`${name} `) || line.startsWith(`${name}{`))
    .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
}

async function webhookOf(p: TestPlatform, scriptId: string): Promise<string> {
  const trigger = (await p.api('POST', `/api/v1/scripts/${scriptId}/triggers`, { type: 'http' })).body;
  return `${p.url}/hooks/${trigger.id}`;
}

const specFor = (url: string): Omit<LoadSpec, 'clients'> => ({
  url,
  method: 'POST',
  body: '{"a":1}',
  headers: { 'content-type': 'application/json' },
  status: 200,
  seconds: SECONDS,
});

const perSecond = (run: { latencies: number[]; seconds: number }) =>
  Math.round(run.latencies.length / run.seconds);

/**
 * Webhook latency and executions/s for trivial sync scripts with the settings `npm start` uses
 * (but the per-trigger rate limit, raised so that it is not what is measured): one webhook at 1,
 * 16 and 64 clients, 16 clients over 16 scripts, a burst from idle to 32 clients; then Node-RED
 * (http-in → http-response) with the same load client, after the platform is stopped.
 */
export async function benchWebhooks(): Promise<void> {
  const p = await benchPlatform('webhooks', {
    webhooks: { ...DEFAULTS.webhooks, ratePerSecond: 1_000_000 },
  });
  const rows: Row[] = [
    [
      'settings',
      `defaults (RUNLET_EXECUTOR_CONCURRENCY=${DEFAULTS.executor.concurrency}, RUNLET_POOL_SIZE=${DEFAULTS.executor.poolSize}, RUNLET_POOL_IDLE_MS=${DEFAULTS.executor.poolIdleMs}, network egress) but RUNLET_WEBHOOK_RATE_PER_SEC=1000000 (default ${DEFAULTS.webhooks.ratePerSecond})`,
    ],
  ];
  let ours: { oneP50: number; one: number; sixteen: number; sixteenP99: number } | undefined;
  let worstScriptP99: number | undefined;
  try {
    const id = await trivialScript(p);
    const spec = specFor(await webhookOf(p, id));
    for (let i = 0; i < 20; i++) await loadOverHttp({ ...spec, clients: 1, seconds: 0.05 });
    const host1 = hostCpu();
    const one = await loadOverHttp({ ...spec, clients: 1 });
    const oneS = summarize(one.latencies);
    rows.push(
      ['1 client: p50 / p99', `${ms(oneS.p50)} / ${ms(oneS.p99)}`],
      ['1 client: webhook executions/s', perSecond(one)],
      ['  host CPU meanwhile', hostLoad(host1)],
    );
    // One second at 16 clients first: the pool grows to what the load needs and each of its
    // sandboxes (a process with its own JIT) serves a few calls before the figures are taken.
    await loadOverHttp({ ...spec, clients: 16, seconds: 1 });
    const colds0 = await metric(p, 'runlet_pool_cold_starts_total');
    const before = await recordedCounts(p, id);
    const host16 = hostCpu();
    const sixteen = await loadOverHttp({ ...spec, clients: 16 });
    const host16Load = hostLoad(host16);
    const after = await recordedCounts(p, id);
    const sixteenS = summarize(sixteen.latencies);
    rows.push(
      ['16 clients (after 1 s at 16): p50 / p99', `${ms(sixteenS.p50)} / ${ms(sixteenS.p99)}`],
      ['16 clients: webhook executions/s', perSecond(sixteen)],
      [
        '  of which recorded (terminal event + log line)',
        `${after.succeeded - before.succeeded} events, ${after.logLines - before.logLines} log lines for ${sixteen.latencies.length} calls`,
      ],
      [
        '  runs that waited for a cold start during it',
        (await metric(p, 'runlet_pool_cold_starts_total')) - colds0,
      ],
      ['  CPU of the client process per call (same machine)', ms(sixteen.cpuMsPerCall)],
      ['  host CPU meanwhile', host16Load],
    );
    ours = { oneP50: oneS.p50, one: perSecond(one), sixteen: perSecond(sixteen), sixteenP99: sixteenS.p99 };
    const many = await loadOverHttp({ ...spec, clients: 64 });
    const manyS = summarize(many.latencies);
    rows.push(
      ['64 clients: p50 / p99', `${ms(manyS.p50)} / ${ms(manyS.p99)}`],
      ['64 clients: webhook executions/s', perSecond(many)],
      ['sandboxes after 64 clients (at most the concurrency)', await metric(p, 'runlet_sandboxes')],
    );

    // 16 scripts, one client each.
    const urls = [spec.url];
    for (let i = 1; i < 16; i++) urls.push(await webhookOf(p, await trivialScript(p, `trivial-${i}`)));
    for (const url of urls) await loadOverHttp({ ...specFor(url), clients: 1, seconds: 0.05 });
    const spread = await loadOverHttp({ ...spec, urls, clients: 16 });
    const p99s = urls.map((url) => summarize(spread.byUrl![url]).p99).sort((a, b) => a - b);
    worstScriptP99 = p99s[15];
    rows.push(
      [
        '16 scripts × 1 client: p50 / p99',
        `${ms(summarize(spread.latencies).p50)} / ${ms(summarize(spread.latencies).p99)}`,
      ],
      ['16 scripts × 1 client: webhook executions/s', perSecond(spread)],
      ['  per-script p99: best / median / worst', `${ms(p99s[0])} / ${ms(p99s[8])} / ${ms(p99s[15])}`],
      [
        '  warm pool memory / budget (each sandbox at its limit)',
        `${await metric(p, 'runlet_pool_memory_mb')} MB / ${await metric(p, 'runlet_pool_memory_budget_mb')} MB`,
      ],
      ['  evictions so far (memory, capacity, idle)', await metric(p, 'runlet_pool_evictions_total')],
    );

    // Burst from idle: a version just deployed (its floor warm), then 32 clients at once.
    const burstId = await trivialScript(p, 'burst');
    const burstSpec = specFor(await webhookOf(p, burstId));
    const idle = `runlet_pool_instances{script_id="${burstId}",version="1",state="idle"} ${DEFAULTS.executor.poolSize}`;
    for (let i = 0; i < 300 && !(await (await fetch(`${p.url}/metrics`)).text()).includes(idle); i++)
      await new Promise((r) => setTimeout(r, 100)); // until its prewarmed sandboxes are up
    const colds = await metric(p, 'runlet_pool_cold_starts_total');
    const burst = await loadOverHttp({ ...burstSpec, clients: 32, seconds: 3 });
    const burstS = summarize(burst.latencies);
    const worst = Math.max(...burst.latencies);
    rows.push(
      [
        'burst from idle, 0 → 32 clients (3 s): p50 / p99 / max',
        `${ms(burstS.p50)} / ${ms(burstS.p99)} / ${ms(worst)}`,
      ],
      ['  webhook executions/s', perSecond(burst)],
      ['  runs that waited for a cold start', (await metric(p, 'runlet_pool_cold_starts_total')) - colds],
    );
  } finally {
    await p.close();
  }

  let peer: { oneP50: number; label: string } | undefined;
  try {
    const red = await startNodeRed();
    try {
      const spec = specFor(red.url);
      for (let i = 0; i < 20; i++) await loadOverHttp({ ...spec, clients: 1, seconds: 0.05 });
      const host1 = hostCpu();
      const one = await loadOverHttp({ ...spec, clients: 1 });
      const host1Load = hostLoad(host1);
      const host16 = hostCpu();
      const sixteen = await loadOverHttp({ ...spec, clients: 16 });
      const host16Load = hostLoad(host16);
      const oneS = summarize(one.latencies);
      const sixteenS = summarize(sixteen.latencies);
      rows.push(
        [`Node-RED ${red.version}, measured now: 1 client p50 / p99`, `${ms(oneS.p50)} / ${ms(oneS.p99)}`],
        ['Node-RED: 1 client req/s', perSecond(one)],
        ['  host CPU meanwhile', host1Load],
        ['Node-RED: 16 clients p50 / p99', `${ms(sixteenS.p50)} / ${ms(sixteenS.p99)}`],
        ['Node-RED: 16 clients req/s', perSecond(sixteen)],
        ['  host CPU meanwhile', host16Load],
      );
      peer = { oneP50: oneS.p50, label: 'measured now' };
    } finally {
      await red.stop();
    }
  } catch (err) {
    const last = LAST_NODE_RED;
    rows.push(
      ['Node-RED could not be installed or started', (err as Error).message.split('\n')[0].slice(0, 120)],
      [
        `Node-RED ${last.version}, last measured ${last.date}: 1 client p50 / p99, req/s`,
        `${ms(last.oneClient.p50)} / ${ms(last.oneClient.p99)}, ${last.oneClient.perSecond}`,
      ],
      [
        'Node-RED, same: 16 clients p50 / p99, req/s',
        `${ms(last.sixteenClients.p50)} / ${ms(last.sixteenClients.p99)}, ${last.sixteenClients.perSecond}`,
      ],
    );
    peer = { oneP50: last.oneClient.p50, label: `last measured ${last.date}` };
  }

  if (ours) {
    rows.push(
      [
        '16 clients / 1 client (executions/s)',
        `${ours.sixteen} / ${ours.one}`,
        { goal: '16 clients ≥ 1 client', met: ours.sixteen >= ours.one },
      ],
      ['16 clients: executions/s', ours.sixteen, atLeast(ours.sixteen, 1000, '/s')],
      ['16 clients: p99', ms(ours.sixteenP99), atMost(ours.sixteenP99, 25, 'ms')],
    );
    if (worstScriptP99 !== undefined)
      rows.push([
        '16 scripts × 1 client: worst script p99',
        ms(worstScriptP99),
        atMost(worstScriptP99, 50, 'ms'),
      ]);
    if (peer)
      rows.push([
        `1 client p50, ours / Node-RED's (${peer.label})`,
        `${ms(ours.oneP50)} / ${ms(peer.oneP50)}`,
        { goal: "≤ 2 × Node-RED's", met: ours.oneP50 <= 2 * peer.oneP50 },
      ]);
  }
  report('webhooks (sync, trivial script; the client is a separate process; 2 shared cores)', rows);
}
