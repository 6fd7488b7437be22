import {
  benchPlatform,
  bareNodeStartMs,
  DEFAULTS,
  loadOverHttp,
  recordedCounts,
  trivialScript,
} from './platform-bench';
import { ms, report, summarize } from './stats';

/** Manual-run latency (API → result) with the warm pool on and off, and sustained executions/s. */
export async function benchExecutions(): Promise<void> {
  // Node's start time drifts with the machine's load: it is measured right before and right after
  // the pool-off runs it is compared with.
  const bareAround: number[] = [];
  const rows: [string, string | number][] = [];

  for (const [label, poolSize] of [
    ['warm pool on (default settings)', DEFAULTS.executor.poolSize],
    ['warm pool off (RUNLET_POOL_SIZE=0, not the default)', 0],
  ] as const) {
    const p = await benchPlatform(`exec_pool${poolSize}`, { executor: { ...DEFAULTS.executor, poolSize } });
    try {
      const id = await trivialScript(p);
      const run = async () => {
        const res = await p.api('POST', `/api/v1/scripts/${id}/runs`, { wait: true });
        if (res.body?.status !== 'succeeded') throw new Error(`run failed: ${JSON.stringify(res.body)}`);
      };
      for (let i = 0; i < 10; i++) await run(); // warm-up
      const spec = {
        url: `${p.url}/api/v1/scripts/${id}/runs`,
        method: 'POST',
        body: JSON.stringify({ wait: true }),
        headers: { 'content-type': 'application/json', authorization: `Bearer ${p.adminKey}` },
        status: 200,
        bodyStatus: 'succeeded',
        seconds: 5,
      };
      if (poolSize === 0) bareAround.push(bareNodeStartMs());
      const { latencies } = await loadOverHttp({ ...spec, clients: 1 });
      if (poolSize === 0) bareAround.push(bareNodeStartMs());
      const s = summarize(latencies);
      rows.push(
        [`manual run latency, ${label}: p50`, ms(s.p50)],
        [`manual run latency, ${label}: p99`, ms(s.p99)],
      );
      if (poolSize === 0) {
        const bare = (bareAround[0] + bareAround[1]) / 2;
        rows.push(
          ['bare `node -e 0` start (median, before and after the pool-off runs)', ms(bare)],
          ['pool off p50 / bare node start', (s.p50 / bare).toFixed(2) + '×'],
        );
      }
      if (poolSize > 0) {
        await loadOverHttp({ ...spec, clients: 32, seconds: 1 }); // every warm instance serves a few first
        const before = await recordedCounts(p, id);
        const sustained = await loadOverHttp({ ...spec, clients: 32 });
        const after = await recordedCounts(p, id);
        rows.push(
          [
            'executions/s sustained (32 clients, wait for result)',
            Math.round(sustained.latencies.length / sustained.seconds),
          ],
          [
            'of which recorded (terminal event + log line)',
            `${after.succeeded - before.succeeded} events, ${after.logLines - before.logLines} log lines for ${sustained.latencies.length} runs`,
          ],
        );
      }
    } finally {
      await p.close();
    }
  }
  report('executions (process runtime in bubblewrap; the client is a separate process)', rows);
}
