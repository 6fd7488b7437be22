import { Client } from 'pg';
import {
  ApiKeysProjection,
  BuildsProjection,
  ExecutionsProjection,
  READ_MODELS_SUBSCRIPTION,
  ScriptsProjection,
  TriggersProjection,
} from '@runlet/read-models';
import { diffWithRebuild } from '../../support/projection-rebuild';
import { eventually } from './cluster';

const TERMINAL = [
  'ExecutionSucceeded',
  'ExecutionFailed',
  'ExecutionTimedOut',
  'ExecutionCancelled',
  'ExecutionSkipped',
];

async function withClient<T>(url: string, use: (c: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}

/** Execution id → the types of its terminal events, for every execution stream in the store. */
export async function terminalEvents(url: string): Promise<Map<string, string[]>> {
  return withClient(url, async (c) => {
    const { rows } = await c.query(
      `SELECT substr(stream_id, 11) AS id,
              COALESCE(array_agg(event_type ORDER BY stream_version) FILTER (WHERE event_type = ANY($1)), '{}') AS terminal
       FROM events WHERE stream_id LIKE 'execution-%' GROUP BY stream_id`,
      [TERMINAL],
    );
    return new Map(rows.map((r) => [r.id as string, r.terminal as string[]]));
  });
}

/** Waits until every execution stream has a terminal event (or `timeoutMs`); returns them. */
export async function settledExecutions(url: string, timeoutMs = 240_000): Promise<Map<string, string[]>> {
  let last = new Map<string, string[]>();
  await eventually(
    async () => {
      last = await terminalEvents(url);
      return [...last.values()].every((t) => t.length > 0) ? true : undefined;
    },
    'every execution to end',
    timeoutMs,
    500,
  ).catch(() => undefined); // the assertions below say which ones did not
  return last;
}

/** Executions without exactly one terminal event, as `id: [types]`. */
export function notExactlyOnce(terminals: Map<string, string[]>, ids?: Iterable<string>): string[] {
  const wanted = ids ? [...ids] : [...terminals.keys()];
  return wanted
    .filter((id) => (terminals.get(id) ?? []).length !== 1)
    .map((id) => `${id}: [${(terminals.get(id) ?? ['no stream']).join(', ')}]`);
}

/** Positions 1..max, each once: `{count, max}` equal when the log has no gap. */
export async function positions(url: string): Promise<{ count: number; max: number; min: number }> {
  return withClient(url, async (c) => {
    const { rows } = await c.query(
      `SELECT count(*)::int AS count, COALESCE(max(global_position), 0)::int AS max,
              COALESCE(min(global_position), 1)::int AS min FROM events`,
    );
    return rows[0];
  });
}

/** Waits for the read models to reach the head, then compares them with a rebuild from position 0. */
export async function readModelsMatchRebuild(url: string, name: string): Promise<unknown> {
  const head = await withClient(
    url,
    async (c) => (await c.query(`SELECT position::int AS p FROM log_head`)).rows[0].p,
  );
  await eventually(
    () =>
      withClient(url, async (c) => {
        const { rows } = await c.query(`SELECT position::int AS p FROM subscriptions WHERE name = $1`, [
          READ_MODELS_SUBSCRIPTION,
        ]);
        return rows[0]?.p >= head ? true : undefined;
      }),
    'the read models to reach the head',
    60_000,
  );
  const handlers = [
    new ScriptsProjection(),
    new ApiKeysProjection(),
    new ExecutionsProjection(),
    new TriggersProjection(),
    new BuildsProjection(),
  ];
  const { diffs, blockedBy } = await diffWithRebuild(url, handlers, `${name}_rebuild`);
  return { diffs, blockedBy: blockedBy ?? null };
}

/**
 * Executions that succeeded without each of the `expectedLines` distinct stdout lines their script
 * prints (`line 1` … `line n`), as `id: what`. Distinct: an attempt taken over after a crash may
 * have stored some lines of its own before the one that finished.
 */
export async function lostLogLines(url: string, expectedLines: number): Promise<string[]> {
  return withClient(url, async (c) => {
    const { rows } = await c.query(
      `SELECT substr(e.stream_id, 11) AS id,
              (SELECT count(DISTINCT l.message)::int FROM execution_logs l
                WHERE l.execution_id = substr(e.stream_id, 11) AND l.stream = 'stdout') AS lines
       FROM events e WHERE e.event_type = 'ExecutionSucceeded'`,
    );
    return rows
      .filter((r) => r.lines !== expectedLines)
      .map((r) => `${r.id}: ${r.lines} of ${expectedLines} lines`);
  });
}

/** Every invariant the fault tests assert at their end, in one value for one `toEqual`. */
export async function invariants(
  url: string,
  name: string,
  opts: { accepted: Iterable<string>; logLines: number },
): Promise<Record<string, unknown>> {
  const terminals = await settledExecutions(url);
  const accepted = [...opts.accepted];
  const { count, max, min } = await positions(url);
  return {
    acceptedWithoutExactlyOneEnd: notExactlyOnce(terminals, accepted).slice(0, 10),
    anyExecutionWithoutExactlyOneEnd: notExactlyOnce(terminals).slice(0, 10),
    gapFree: count === max && min === 1,
    lostLogLines: (await lostLogLines(url, opts.logLines)).slice(0, 10),
    readModels: await readModelsMatchRebuild(url, name),
  };
}

export const HOLDS = {
  acceptedWithoutExactlyOneEnd: [],
  anyExecutionWithoutExactlyOneEnd: [],
  gapFree: true,
  lostLogLines: [],
  readModels: { diffs: [], blockedBy: null },
};
