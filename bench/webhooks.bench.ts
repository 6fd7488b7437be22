import { benchPlatform, loadOverHttp, recordedCounts, trivialScript } from './platform-bench';
import { ms, report, summarize } from './stats';

/** Webhook latency for a trivial sync script at 1 and 16 clients, and executions/s at 16 clients. */
export async function benchWebhooks(): Promise<void> {
  const p = await benchPlatform('webhooks', {
    webhooks: { bodyLimitBytes: 1024 * 1024, ratePerSecond: 1_000_000, syncWaitMs: 30_000 },
    executor: {
      concurrency: 16,
      lockDurationMs: 30_000,
      poolSize: 16,
      reuseInstances: true,
      allowInsecureSandbox: false,
    },
    secrets: { providers: ['builtin'] },
  });
  try {
    const id = await trivialScript(p);
    const trigger = (await p.api('POST', `/api/v1/scripts/${id}/triggers`, { type: 'http' })).body;
    const call = async () => {
      const res = await fetch(`${p.url}/hooks/${trigger.id}`, {
        method: 'POST',
        body: '{"a":1}',
        headers: { 'content-type': 'application/json' },
      });
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`webhook answered ${res.status}`);
    };
    for (let i = 0; i < 20; i++) await call();
    const spec = {
      url: `${p.url}/hooks/${trigger.id}`,
      method: 'POST',
      body: '{"a":1}',
      headers: { 'content-type': 'application/json' },
      status: 200,
      seconds: 5,
    };
    const one = summarize((await loadOverHttp({ ...spec, clients: 1 })).latencies);
    // Every warm instance serves a few calls first (each sandbox is a process with its own JIT).
    await loadOverHttp({ ...spec, clients: 16, seconds: 1 });
    const before = await recordedCounts(p, id);
    const many = await loadOverHttp({ ...spec, clients: 16 });
    const after = await recordedCounts(p, id);
    const sixteen = summarize(many.latencies);
    report('webhooks (sync, trivial script; the client is a separate process)', [
      ['1 client: p50', ms(one.p50)],
      ['1 client: p99', ms(one.p99)],
      ['16 clients: p50', ms(sixteen.p50)],
      ['16 clients: p99', ms(sixteen.p99)],
      ['16 clients: webhook executions/s', Math.round(many.latencies.length / many.seconds)],
      [
        'of which recorded (terminal event + log line)',
        `${after.succeeded - before.succeeded} events, ${after.logLines - before.logLines} log lines for ${many.latencies.length} calls`,
      ],
      ['CPU of the client process per call (same machine)', ms(many.cpuMsPerCall)],
    ]);
  } finally {
    await p.close();
  }
}
