import { Cluster } from './cluster';

/** A script that prints `line 1` … `line <lines>` and returns after `sleepMs`. */
export function loggingScript(lines: number, sleepMs: number): string {
  return `export default async (event) => {
  for (let i = 1; i <= ${lines}; i++) console.log('line ' + i);
  await new Promise((r) => setTimeout(r, ${sleepMs}));
  return { type: event.trigger.type };
}`;
}

export interface HookOutcome {
  status: number;
  executionId?: string;
  error?: string;
}

/** One webhook call; a refused connection or a reset is `status: 0` with its error. */
export async function callHook(base: string, hookId: string, body: unknown = {}): Promise<HookOutcome> {
  try {
    const res = await fetch(`${base}/hooks/${hookId}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(120_000),
    });
    const text = await res.text();
    return {
      status: res.status,
      executionId: res.headers.get('x-runlet-execution-id') ?? undefined,
      error: res.status >= 400 ? text : undefined,
    };
  } catch (err) {
    return { status: 0, error: String((err as Error).cause ?? err) };
  }
}

/**
 * `total` webhook calls, `concurrency` at a time, each to `hookIds[i % n]`, spread over the cluster's
 * running api processes in turn; `during(done)` is told how many have answered after each answer
 * (to inject a fault part-way).
 */
export async function burst(
  cluster: Cluster | (() => string),
  hookIds: string[],
  total: number,
  concurrency: number,
  during: (answered: number) => void = () => {},
): Promise<HookOutcome[]> {
  const outcomes: HookOutcome[] = [];
  let next = 0;
  const base = (i: number) => {
    if (typeof cluster === 'function') return cluster();
    const apis = cluster.apiUrls;
    return apis[i % apis.length];
  };
  const lane = async () => {
    while (next < total) {
      const i = next++;
      outcomes[i] = await callHook(base(i), hookIds[i % hookIds.length], { i });
      during(outcomes.filter(Boolean).length);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
  return outcomes;
}

/** Execution ids of accepted calls (200 or 202, which name the execution). */
export const acceptedIds = (outcomes: HookOutcome[]): string[] =>
  outcomes.filter((o) => (o.status === 200 || o.status === 202) && o.executionId).map((o) => o.executionId!);

/** Status → count, for a readable assertion message. */
export const statusCounts = (outcomes: HookOutcome[]): Record<string, number> =>
  outcomes.reduce<Record<string, number>>((acc, o) => {
    acc[o.status] = (acc[o.status] ?? 0) + 1;
    return acc;
  }, {});

/**
 * The restart tests' installation, scaled out: api, builder and scheduler in one process, a second
 * api process (bursts alternate between the two), two executors, one built script and an async and
 * a sync webhook trigger on it (the hook ids, in that order).
 */
export async function twoApisTwoExecutorsWithHooks(
  cluster: Cluster,
  name: string,
  code: string,
): Promise<string[]> {
  await cluster.start(['api', 'builder', 'scheduler']);
  await cluster.start(['api']);
  await cluster.start(['executor']);
  await cluster.start(['executor']);
  const scriptId = await cluster.builtScript({ name, code });
  const trigger = async (mode: string) =>
    (await cluster.api('POST', `/api/v1/scripts/${scriptId}/triggers`, { type: 'http', mode })).body
      .id as string;
  return [await trigger('async'), await trigger('sync')];
}

/**
 * A burst during which `outage()` starts once `at` calls have answered; it resolves when the
 * service is back, and `answeredAfter` counts the calls answered after that (so a test can check
 * the whole outage fell inside the burst).
 */
export async function burstThroughOutage(
  cluster: Cluster,
  hookIds: string[],
  total: number,
  concurrency: number,
  at: number,
  outage: () => Promise<void>,
): Promise<{ outcomes: HookOutcome[]; answeredAfter: number }> {
  let restarted: Promise<void> | undefined;
  let answeredAfter = 0;
  let back = false;
  const outcomes = await burst(cluster, hookIds, total, concurrency, (answered) => {
    if (back) answeredAfter++;
    if (answered === at && !restarted) restarted = outage().then(() => void (back = true));
  });
  await restarted;
  return { outcomes, answeredAfter };
}
