import { ChildProcess } from 'node:child_process';
import { Database } from '@runlet/event-store';
import { DEFAULTS, loadOverHttp, trivialScript } from './platform-bench';
import { ms, report, Row, summarize } from './stats';
import { startPlatform } from '../test/support/platform';
import { executorEnv, freePort, startRoleProcess, stopRoleProcesses } from '../test/support/role-process';

const SECONDS = 5;

async function untilHealthy(url: string, child: ChildProcess): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if (child.exitCode !== null) throw new Error(`the process for ${url} exited (${child.exitCode})`);
    try {
      if ((await fetch(`${url}/health`)).status < 500) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} did not answer /health`);
}

/**
 * `npm run bench -- webhooks-split`: sync webhooks of one trivial script as Kubernetes runs the
 * roles: two api processes (the clients alternate between them), two executor processes, one
 * builder + scheduler, with the settings `npm start` uses (but the per-trigger rate limit). The api
 * processes have no executor, so every execution goes through the queue and its result comes back
 * over Redis. Then, from the event store: every call's execution ran once (one ExecutionStarted,
 * one terminal event), with its log line, and how the executions were shared between the executors.
 */
export async function benchWebhooksSplit(): Promise<void> {
  const p = await startPlatform('bench_webhooks_split', {
    roles: ['api'],
    config: { executor: DEFAULTS.executor, webhooks: { ...DEFAULTS.webhooks, ratePerSecond: 1_000_000 } },
  });
  const children: ChildProcess[] = [];
  const rows: Row[] = [
    [
      'processes',
      'api ×2 (this one and `--roles api`), `--roles executor` ×2, `--roles builder,scheduler`; 16 clients alternate between the api processes',
    ],
  ];
  try {
    const shared = {
      ...executorEnv({ ...p.config, executor: DEFAULTS.executor }),
      RUNLET_ADMIN_KEY: p.adminKey,
      RUNLET_WEBHOOK_RATE_PER_SEC: '1000000',
    };
    children.push(startRoleProcess(p, ['builder', 'scheduler'], shared));
    for (let i = 0; i < 2; i++) children.push(startRoleProcess(p, ['executor'], shared));
    const port = await freePort();
    const second = startRoleProcess(p, ['api'], { ...shared, PORT: String(port) });
    children.push(second);
    const secondUrl = `http://127.0.0.1:${port}`;
    await untilHealthy(secondUrl, second);

    const id = await trivialScript(p);
    const trigger = (await p.api('POST', `/api/v1/scripts/${id}/triggers`, { type: 'http' })).body;
    const urls = [p.url, secondUrl].map((base) => `${base}/hooks/${trigger.id}`);
    const spec = {
      url: urls[0],
      urls,
      method: 'POST',
      body: '{"a":1}',
      headers: { 'content-type': 'application/json' },
      status: 200,
      seconds: SECONDS,
    };
    let calls = 0; // answered 200, over every run below
    const load = async (s: Parameters<typeof loadOverHttp>[0]) => {
      const run = await loadOverHttp(s);
      calls += run.latencies.length;
      return run;
    };
    for (let i = 0; i < 20; i++) await load({ ...spec, clients: 2, seconds: 0.05 });
    const one = await load({ ...spec, urls: undefined, clients: 1 });
    const oneS = summarize(one.latencies);
    rows.push(
      ['1 client: p50 / p99', `${ms(oneS.p50)} / ${ms(oneS.p99)}`],
      ['1 client: webhook executions/s', Math.round(one.latencies.length / one.seconds)],
    );
    await load({ ...spec, clients: 16, seconds: 1 }); // each executor's pool grows to the load
    const sixteen = await load({ ...spec, clients: 16 });
    const sixteenS = summarize(sixteen.latencies);
    rows.push(
      ['16 clients: p50 / p99', `${ms(sixteenS.p50)} / ${ms(sixteenS.p99)}`],
      ['16 clients: webhook executions/s', Math.round(sixteen.latencies.length / sixteen.seconds)],
      ...urls.map((url, i): Row => [
        `  calls answered by api ${i + 1} (p50 / p99)`,
        `${sixteen.byUrl![url].length} (${ms(summarize(sixteen.byUrl![url]).p50)} / ${ms(summarize(sixteen.byUrl![url]).p99)})`,
      ]),
    );

    const db = p.app.get(Database);
    const [once] = await db.query(
      `SELECT count(*) AS executions,
              count(*) FILTER (WHERE started = 1 AND terminal = 1 AND succeeded = 1) AS exactly_once,
              count(*) FILTER (WHERE started > 1 OR terminal > 1) AS more_than_once
       FROM (SELECT stream_id,
                    count(*) FILTER (WHERE event_type = 'ExecutionStarted') AS started,
                    count(*) FILTER (WHERE event_type IN ('ExecutionSucceeded', 'ExecutionFailed', 'ExecutionTimedOut', 'ExecutionCancelled', 'ExecutionSkipped')) AS terminal,
                    count(*) FILTER (WHERE event_type = 'ExecutionSucceeded') AS succeeded
             FROM events WHERE stream_id IN (
               SELECT stream_id FROM events WHERE event_type = 'ExecutionQueued' AND data->>'scriptId' = $1)
             GROUP BY stream_id) per_execution`,
      [id],
    );
    const [lines] = await db.query(
      `SELECT count(DISTINCT execution_id) AS n FROM execution_logs WHERE script_id = $1`,
      [id],
    );
    const byExecutor = await db.query(
      `SELECT metadata->>'actor' AS actor, count(*) AS n FROM events
       WHERE event_type = 'ExecutionSucceeded' AND data->>'scriptId' = $1 GROUP BY 1 ORDER BY 2 DESC`,
      [id],
    );
    rows.push(
      [
        'executions of the script (all calls, warm-up included)',
        `${calls} calls answered, ${once.executions} executions: ${once.exactly_once} started once and succeeded once, ${once.more_than_once} started or ended more than once, ${lines.n} with their log line`,
      ],
      ['  succeeded per executor process', byExecutor.map((r: any) => r.n).join(' / ')],
    );
  } finally {
    await stopRoleProcesses(children);
    await p.close();
  }
  report(
    'webhooks across processes (sync, trivial script; 2 api + 2 executor processes; 2 shared cores)',
    rows,
  );
}
