import fc from 'fast-check';
import { Database, SubscriptionHandler } from '@runlet/event-store';
import { READ_MODELS_SUBSCRIPTION } from '@runlet/read-models';
import { PROJECTIONS } from '@runlet/platform';
import { startDeadRegistry } from './support/dead-registry';
import { Fuzzer, FuzzReport } from './support/fuzz-runner';
import { heapAfterGc } from './support/heap';
import { operationCases, operationsOf, ResourcePool } from './support/openapi-fuzz';
import { createBuiltScript, startPlatform, TestPlatform } from './support/platform';
import { diffWithRebuild } from './support/projection-rebuild';
import { HookTarget, webhookCases } from './support/webhook-fuzz';

/** `FUZZ_SEED` replays another run; `FUZZ_REQUESTS` sends more (or, while developing, fewer). */
const SEED = Number(process.env.FUZZ_SEED ?? 20261201);
const REQUESTS = Number(process.env.FUZZ_REQUESTS ?? 10_000);
const CONCURRENCY = 8;
/** The first batches warm up caches, pools and JIT; the heap is judged from after them. */
const WARM_UP = Math.min(1000, Math.floor(REQUESTS / 5));
/**
 * Heap growth allowed from after the warm-up to the end, after a full GC. Bounded caches and
 * metrics may still fill a little; a leak of even 10 KiB per request (~90 MiB here) exceeds it.
 */
const HEAP_GROWTH_LIMIT = 48 * 1024 * 1024;

const ECHO_HOOK = `export default async function (event, ctx) {
  ctx.log.info('hook', event.http.method, event.http.path, JSON.stringify(event.http.query));
  const { rawBody, ...http } = event.http;
  return { status: 200, body: { http, rawBytes: rawBody.length } };
}`;
const ECHO_INPUT =
  'export default async (event, ctx) => { ctx.log.info("input", event.input); return { input: event.input } }';

describe('fuzz: malformed requests from the OpenAPI document and the webhook contract', () => {
  let p: TestPlatform;
  let registry: { url: string; close(): Promise<void> };
  let controlScript: string;
  let report: FuzzReport;
  let heap: { warm: number; end: number };
  const unexpected: unknown[] = [];
  const record = (err: unknown) => unexpected.push(err);

  beforeAll(async () => {
    // Scripts saved by the fuzz name made-up packages: their installs must never reach the public registry.
    registry = await startDeadRegistry();
    process.env.RUNLET_NPM_REGISTRY = registry.url;
    process.on('unhandledRejection', record);
    process.on('uncaughtException', record);
    p = await startPlatform('fuzz');
  });
  afterAll(async () => {
    process.off('unhandledRejection', record);
    process.off('uncaughtException', record);
    delete process.env.RUNLET_NPM_REGISTRY;
    await p?.close();
    await registry?.close();
  });

  it(`answers ${REQUESTS} malformed requests without a 5xx or a crash, with a flat heap`, async () => {
    const doc = (await p.api('GET', '/api/docs-json')).body;
    const operations = operationsOf(doc);
    expect(operations.length).toBeGreaterThan(20);

    // Real rows for the API's requests to hit; the webhook fuzz gets triggers of its own script
    // (an API request may archive a pool script or delete its triggers, which is fine).
    const pool: ResourcePool = {
      adminKey: p.adminKey,
      scripts: [],
      triggers: [],
      executions: [],
      apiKeys: [],
      expendable: { scripts: [], triggers: [], apiKeys: [] },
    };
    for (const [name, rows] of [
      ['fuzz-a', pool],
      ['fuzz-b', pool],
      ['fuzz-expendable', pool.expendable],
    ] as const) {
      const id = await createBuiltScript(p, { name, code: ECHO_INPUT, language: 'javascript' });
      rows.scripts.push(id);
      for (const trigger of [
        { type: 'http', auth: 'token' },
        { type: 'cron', schedule: '0 0 1 1 *' },
      ]) {
        const res = await p.api('POST', `/api/v1/scripts/${id}/triggers`, trigger);
        rows.triggers.push(res.body.id);
      }
      const run = await p.api('POST', `/api/v1/scripts/${id}/runs`, { input: { n: 1 }, wait: true });
      pool.executions.push(run.body.id);
      const key = await p.api('POST', '/api/v1/api-keys', { name });
      rows.apiKeys.push(key.body.id);
    }
    const hookScript = await createBuiltScript(p, {
      name: 'fuzz-hooks',
      code: ECHO_HOOK,
      language: 'javascript',
    });
    const targets: HookTarget[] = [];
    for (const t of [
      { auth: 'none', mode: 'sync' },
      { auth: 'none', mode: 'async' },
      { auth: 'token', mode: 'sync' },
      { auth: 'hmac', mode: 'sync' },
      { auth: 'hmac', mode: 'async' },
    ] as const) {
      const res = await p.api('POST', `/api/v1/scripts/${hookScript}/triggers`, { type: 'http', ...t });
      targets.push({ id: res.body.id, auth: t.auth, secret: res.body.secret });
    }
    const paused = await p.api('POST', `/api/v1/scripts/${hookScript}/triggers`, { type: 'http' });
    await p.api('PATCH', `/api/v1/triggers/${paused.body.id}`, { paused: true });
    targets.push({ id: paused.body.id, auth: 'none', paused: true });
    // Never named by the fuzz: the run afterwards must not depend on what the fuzz did to its pool.
    controlScript = await createBuiltScript(p, { name: 'control', code: ECHO_INPUT, language: 'javascript' });

    // A quarter of the requests are webhook calls, the rest spread evenly over the operations.
    const cases = fc.oneof(...operations.map((op) => ({ weight: 3, arbitrary: operationCases(op, pool) })), {
      weight: operations.length,
      arbitrary: webhookCases(targets, pool.triggers, p.config.webhooks.bodyLimitBytes),
    });
    const port = Number(new URL(p.url).port);
    const started = Date.now();
    const fuzzer = new Fuzzer({ port, seed: SEED, concurrency: CONCURRENCY, timeoutMs: 35_000, cases });
    await fuzzer.runUntil(WARM_UP);
    heap = { warm: heapAfterGc(), end: 0 };
    await fuzzer.runUntil(Math.floor((WARM_UP + REQUESTS) / 2));
    const halfway = heapAfterGc(); // shown, to tell a leak (grows on) from a cache filling up
    await fuzzer.runUntil(REQUESTS);
    heap.end = heapAfterGc();
    report = fuzzer.report();
    const seconds = (Date.now() - started) / 1000;
    console.log(
      `fuzz: seed ${SEED}, ${report.sent} requests in ${seconds.toFixed(0)} s; ` +
        `heap after GC: ${[heap.warm, halfway, heap.end].map((b) => (b / 2 ** 20).toFixed(1)).join(' → ')} MiB (after warm-up, halfway, end)\n` +
        [...report.busyMs]
          .sort((a, b) => b[1] - a[1])
          .slice(0, 8)
          .map(([k, ms]) => `  ${k}: ${(ms / 1000).toFixed(0)} s waiting`)
          .join('\n') +
        '\n' +
        [...report.statuses]
          .sort()
          .map(([k, n]) => `  ${k}: ${n}`)
          .join('\n'),
    );

    const failures = report.failures
      .slice(0, 15)
      .map(
        (f) =>
          `${f.count}× ${f.key}\n  e.g. request #${f.example.index} → ${f.example.status}: ${f.example.answer.slice(0, 200)}\n` +
          f.example.request,
      );
    expect({ classes: report.failures.length, failures }).toEqual({ classes: 0, failures: [] });
    expect(report.sent).toBe(REQUESTS);
    expect(unexpected).toEqual([]);
    const health = await p.api('GET', '/health');
    expect(health).toMatchObject({ status: 200, body: { status: 'ok' } });
    expect(heap.end - heap.warm).toBeLessThan(HEAP_GROWTH_LIMIT);
  }, 900_000);

  it('afterwards, the read models equal their rebuild from position 0', async () => {
    // Everything appended so far reaches the read models (a projection that fails on an event stops there).
    const db = p.app.get(Database);
    const [{ head }] = await db.query(`SELECT position::int AS head FROM log_head`);
    const checkpoint = async () =>
      (
        await db.query(`SELECT position::int AS position FROM subscriptions WHERE name = $1`, [
          READ_MODELS_SUBSCRIPTION,
        ])
      )[0].position as number;
    const deadline = Date.now() + 30_000;
    while ((await checkpoint()) < head && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    const at = await checkpoint();

    const handlers = p.app.get<SubscriptionHandler[]>(PROJECTIONS);
    const { position, diffs, blockedBy } = await diffWithRebuild(
      p.config.databaseUrl,
      handlers,
      'fuzz_rebuild',
    );
    const readModels =
      at >= head ? 'caught up' : `stuck at ${at} of ${head}: ${blockedBy ?? 'no event fails to project'}`;
    expect(position).toBeGreaterThan(0);
    expect({ readModels, diffs }).toEqual({ readModels: 'caught up', diffs: [] });
  }, 300_000);

  it('and a normal run still succeeds', async () => {
    const res = await p.api('POST', `/api/v1/scripts/${controlScript}/runs`, { input: { n: 7 }, wait: true });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'succeeded', result: { input: { n: 7 } } });
  });
});
