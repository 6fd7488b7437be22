import { ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { Client } from 'pg';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Role } from '@runlet/platform';
import { recreateTestDatabase, REDIS_URL } from '../test/support/database';
import { ensureBuilt, freePort, startRoleProcess, stopRoleProcesses } from '../test/support/role-process';
import { atMost, report, type Row } from './stats';

const ROLES: Role[] = ['api', 'builder', 'executor', 'scheduler'];
/** After warm-up a role's RSS may grow by this much at most before we call it a leak. */
const GROWTH_BOUND_MB = 40;
const SAMPLE_MS = 5000;
/**
 * The soak keeps executions for this long (RUNLET_SOAK_RETENTION_MINUTES, default 2), the one
 * setting it changes from the defaults: it shows the store stays bounded under steady load.
 */
const RETENTION_MINUTES = Number(process.env.RUNLET_SOAK_RETENTION_MINUTES ?? 2);

interface Sample {
  atS: number;
  rssMb: number;
  fds: number;
}

/**
 * `npm run bench -- soak` (`RUNLET_SOAK_MINUTES`, default 10): every role in a process of its own
 * with default settings, under mixed load — 4 clients calling a sync webhook without pause, two
 * every-second cron triggers, a try-out every 5 s and a new version built every 30 s — sampling
 * each role's memory and open file descriptors. Any answer other than the expected one, and any
 * execution not succeeded, counts as an error.
 */
export async function benchSoak(): Promise<void> {
  ensureBuilt();
  const seconds = Number(process.env.RUNLET_SOAK_MINUTES ?? 10) * 60;
  const databaseUrl = await recreateTestDatabase('bench_soak');
  const dataDir = mkdtempSync(join(tmpdir(), 'runlet-bench-soak-'));
  const port = await freePort();
  const adminKey = 'bench-soak-admin-key';
  const base = { config: { databaseUrl, redisUrl: REDIS_URL, dataDir } } as never;
  const env = {
    PORT: String(port),
    RUNLET_ADMIN_KEY: adminKey,
    RUNLET_EXECUTION_RETENTION_DAYS: String(RETENTION_MINUTES / (24 * 60)),
  };
  const store = new Client({ connectionString: databaseUrl });
  await store.connect();
  // The api first: it migrates the new database, which the other roles would race for.
  const roles = new Map<Role, ChildProcess>([['api', startRoleProcess(base, ['api'], env)]]);
  const url = `http://127.0.0.1:${port}`;
  const agent = new Agent({ keepAlive: true, maxSockets: 16 });
  const call = (method: string, path: string, body?: unknown, auth = true) =>
    send(agent, url + path, method, body, auth ? { authorization: `Bearer ${adminKey}` } : {});
  const errors: string[] = [];
  const error = (what: string) => errors.length < 1000 && errors.push(what);
  try {
    await waitFor(
      async () => (await call('GET', '/health', undefined, false).catch(() => null))?.status === 200,
    );
    for (const role of ROLES.filter((r) => r !== 'api')) roles.set(role, startRoleProcess(base, [role], env));
    const script = async (name: string, code: string) => {
      const { body } = await call('POST', '/api/v1/scripts', { name, code });
      await waitFor(async () => (await call('GET', `/api/v1/scripts/${body.id}`)).body.deployedVersion === 1);
      return body.id as string;
    };
    const hookScript = await script(
      'soak-hook',
      `export default async (e, ctx) => { ctx.log.info('hook'); return { ok: true }; }`,
    );
    const cronScript = await script(
      'soak-cron',
      `export default async (e, ctx) => { ctx.log.info('tick'); return 1; }`,
    );
    const buildScript = await script(
      'soak-build',
      `import dayjs from 'dayjs';\nexport default () => dayjs(0).year();`,
    );
    const hook = (await call('POST', `/api/v1/scripts/${hookScript}/triggers`, { type: 'http' })).body;
    for (let i = 0; i < 2; i++)
      await call('POST', `/api/v1/scripts/${cronScript}/triggers`, { type: 'cron', schedule: '* * * * * *' });

    const samples = new Map<Role, Sample[]>(ROLES.map((r) => [r, []]));
    const stored: StoreSample[] = [];
    const t0 = Date.now();
    const until = t0 + seconds * 1000;
    let webhookCalls = 0;
    let tries = 0;
    let builds = 0;
    const loops = [
      ...Array.from({ length: 4 }, async () => {
        while (Date.now() < until) {
          const res = await call('POST', `/hooks/${hook.id}`, { a: 1 }, false).catch((e) => ({
            status: 0,
            body: String(e),
          }));
          webhookCalls++;
          if (res.status !== 200) error(`webhook ${res.status}`);
        }
      }),
      every(5000, until, async () => {
        const res = await call('POST', '/api/v1/try', {
          code: `export default (e) => e.input * 2`,
          input: 21,
        });
        tries++;
        if (res.status !== 200 || res.body?.status !== 'succeeded')
          error(`try ${res.status} ${res.body?.status}`);
      }),
      every(30_000, until, async () => {
        builds++;
        const saved = await call('PUT', `/api/v1/scripts/${buildScript}`, {
          code: `import dayjs from 'dayjs';\nexport default () => dayjs(${builds}).year();`,
        });
        const version = saved.body?.latestVersion;
        if (saved.status !== 200 || version === undefined)
          return void error(`save for a build: ${saved.status} ${JSON.stringify(saved.body).slice(0, 200)}`);
        await waitFor(async () => {
          const s = (await call('GET', `/api/v1/scripts/${buildScript}`)).body;
          if (s.build?.version === version && s.build.status === 'failed') return true;
          return s.deployedVersion === version;
        }, 120_000).catch(() => error(`build v${version} did not finish`));
        const s = (await call('GET', `/api/v1/scripts/${buildScript}`)).body;
        if (s.build?.status !== 'succeeded') error(`build v${version} ${s.build?.status}`);
      }),
      every(SAMPLE_MS, until, async () => {
        for (const [role, child] of roles)
          samples.get(role)!.push(sample(child.pid!, (Date.now() - t0) / 1000));
      }),
      every(3 * SAMPLE_MS, until, async () => {
        stored.push(await storeSample(store, (Date.now() - t0) / 1000));
      }),
    ];
    await Promise.all(loops);
    await new Promise((r) => setTimeout(r, 3000)); // the last runs finish
    stored.push(await storeSample(store, (Date.now() - t0) / 1000));
    const failed = new Set(stored.flatMap((x) => x.failedIds));
    if (failed.size) error(`${failed.size} failed or timed-out executions`);

    const rows: Row[] = [
      ['webhook calls / try-outs / builds', `${webhookCalls} / ${tries} / ${builds}`],
      ['errors', errors.length, atMost(errors.length, 0)],
    ];
    if (errors.length) rows.push(['first errors', errors.slice(0, 5).join('; ')]);
    for (const role of ROLES) {
      const s = samples.get(role)!;
      const warm = s.find((x) => x.atS >= 60) ?? s[0];
      const last = s[s.length - 1];
      const max = Math.max(...s.map((x) => x.rssMb));
      const growth = Math.round(last.rssMb - warm.rssMb);
      rows.push([
        `${role}: RSS at 1 min / end / max (MB)`,
        `${warm.rssMb} / ${last.rssMb} / ${max}`,
        atMost(growth, GROWTH_BOUND_MB, 'MB growth after warm-up'),
      ]);
      rows.push([`${role}: open fds at 1 min / end`, `${warm.fds} / ${last.fds}`]);
      rows.push([
        `${role}: RSS over time (MB, every ${SAMPLE_MS / 1000} s)`,
        thin(s.map((x) => x.rssMb)).join(' '),
      ]);
    }
    rows.push(...storeRows(stored));
    report(
      `soak: ${seconds / 60} min of mixed load, each role in its own process (default settings but RUNLET_EXECUTION_RETENTION_DAYS = ${RETENTION_MINUTES} min)`,
      rows,
    );
  } finally {
    agent.destroy();
    await store.end();
    await stopRoleProcesses([...roles.values()]);
  }
}

interface StoreSample {
  atS: number;
  events: number;
  /** Every event ever appended (the global position): what the store would hold without retention. */
  appended: number;
  /** Execution events recorded before the retention window and one sweep (60 s) ago: should be none. */
  overdue: number;
  executions: number;
  /** Failed or timed-out executions still kept (retention removes them later, so each sample collects them). */
  failedIds: string[];
}

/** How long past its retention window an execution may stay: the executor sweeps every minute. */
const SWEEP_SLACK_S = 60 + 15;

async function storeSample(store: Client, atS: number): Promise<StoreSample> {
  const { rows } = await store.query(
    `SELECT (SELECT count(*) FROM events)::int AS events,
            (SELECT coalesce(max(global_position), 0) FROM events)::int AS appended,
            (SELECT count(*) FROM events WHERE stream_id LIKE 'execution-%'
              AND recorded_at < now() - make_interval(secs => $1))::int AS overdue,
            (SELECT count(*) FROM rm_executions)::int AS executions,
            ARRAY(SELECT id FROM rm_executions WHERE status IN ('failed', 'timed_out') LIMIT 100) AS "failedIds"`,
    [RETENTION_MINUTES * 60 + SWEEP_SLACK_S],
  );
  return { atS: Math.round(atS), ...rows[0] };
}

/**
 * The store under steady load with retention: it holds only the last window's executions (none
 * older than the window and a sweep), so its size stays flat while the appended total grows.
 */
function storeRows(stored: StoreSample[]): Row[] {
  if (!stored.length) return [];
  const last = stored[stored.length - 1];
  const overdue = Math.max(...stored.map((x) => x.overdue));
  return [
    [
      `events stored over time (every ${(3 * SAMPLE_MS) / 1000} s)`,
      thin(stored.map((x) => x.events)).join(' '),
    ],
    ['events appended / stored at end', `${last.appended} / ${last.events}`],
    [
      `execution events older than the window + ${SWEEP_SLACK_S} s still stored (max over samples)`,
      overdue,
      atMost(overdue, 0),
    ],
    ['executions kept at end (read model)', last.executions],
  ];
}

function sample(pid: number, atS: number): Sample {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const rssKb = Number(status.match(/VmRSS:\s+(\d+)/)?.[1] ?? 0);
  return {
    atS: Math.round(atS),
    rssMb: Math.round(rssKb / 1024),
    fds: readdirSync(`/proc/${pid}/fd`).length,
  };
}

/** At most 24 values, evenly picked, so a long series prints on one line. */
function thin(values: number[]): number[] {
  const step = Math.max(1, Math.ceil(values.length / 24));
  return values.filter((_, i) => i % step === 0 || i === values.length - 1);
}

async function every(periodMs: number, until: number, work: () => Promise<void>): Promise<void> {
  while (Date.now() < until) {
    const t0 = Date.now();
    await work();
    await new Promise((r) => setTimeout(r, Math.max(0, periodMs - (Date.now() - t0))));
  }
}

async function waitFor(check: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 200));
  }
}

function send(
  agent: Agent,
  target: string,
  method: string,
  body: unknown,
  headers: Record<string, string>,
): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = request(
      target,
      { method, agent, headers: { ...headers, ...(payload ? { 'content-type': 'application/json' } : {}) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString();
          let parsed: unknown = text;
          try {
            parsed = text ? JSON.parse(text) : undefined;
          } catch {
            /* not JSON */
          }
          resolve({ status: res.statusCode ?? 0, body: parsed });
        });
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}
