import { createBuiltScript, TestPlatform, waitForBuild } from '../test/support/platform';
import { benchPlatform } from './platform-bench';
import { atMost, ms, report, summarize, type Row } from './stats';

const ROUNDS = 10;
const DEPS_CODE = (n: number) =>
  `import dayjs from 'dayjs';\nimport { chunk } from 'lodash';\n` +
  `export default async () => [dayjs('2024-01-01').add(${n}, 'day').format('D'), chunk([1, 2, 3], 2).length];`;
const DAYJS_CODE = (n: number) =>
  `import dayjs from 'dayjs';\nexport default async () => dayjs('2024-01-01').add(${n}, 'day').format('D');`;
const PLAIN_CODE = (n: number) => `export default async () => [${n}, 'plain'];`;

/**
 * Try-out latency (POST /try → result) with an installed dependency next to one without, and, for a
 * saved script bundled with dayjs + lodash, the first run after a deploy (cold start) and warm runs.
 */
export async function benchTry(): Promise<void> {
  const rows: Row[] = [];
  const p = await benchPlatform('try');
  try {
    const series: Array<[string, (n: number) => string, number[]]> = [
      ['no dependencies', PLAIN_CODE, []],
      ['installed dayjs', DAYJS_CODE, []],
      ['installed dayjs + lodash', DEPS_CODE, []],
    ];
    for (const [, code] of series) await tryOut(p, code(0)); // installs into the store (untimed)
    // Interleaved, so the machine's drifting load weighs on all alike.
    for (let i = 1; i <= ROUNDS; i++) {
      for (const [, code, samples] of series) samples.push(await timed(() => tryOut(p, code(i))));
    }
    const none = summarize(series[0][2]).p50;
    for (const [label, , samples] of series) {
      const p50 = summarize(samples).p50;
      rows.push([`try-out, ${label}: p50 of ${ROUNDS}`, ms(p50)]);
      if (samples !== series[0][2])
        rows.push([
          `  ${label} / none`,
          (p50 / none).toFixed(2) + '×',
          atMost(Number((p50 / none).toFixed(2)), 1.3, '×'),
        ]);
    }
    rows.push(...(await savedScriptRuns(p, 'bundled dayjs + lodash', DEPS_CODE)));
    rows.push(...(await savedScriptRuns(p, 'no dependencies', PLAIN_CODE)));
  } finally {
    await p.close();
  }
  rows.push(...(await withoutResolveCache()));
  report('try-outs and bundled scripts with dependencies (api + builder + executor in one process)', rows);
}

/** Cold start (first run of a just-deployed version) and warm runs of a saved script. */
async function savedScriptRuns(
  p: TestPlatform,
  label: string,
  code: (n: number) => string,
): Promise<[string, string][]> {
  const id = await createBuiltScript(p, { name: label, code: code(0), language: 'javascript' });
  const run = async () => {
    const res = await p.api('POST', `/api/v1/scripts/${id}/runs`, { wait: true });
    if (res.body?.status !== 'succeeded') throw new Error(`run failed: ${JSON.stringify(res.body)}`);
  };
  const cold: number[] = [];
  for (let v = 2; v <= 6; v++) {
    // A code-only version: its build reuses the install; its first run starts a new sandbox.
    const saved = await p.api('PUT', `/api/v1/scripts/${id}`, { code: code(v) });
    await waitForBuild(p, id, saved.body.version);
    cold.push(await timed(run));
  }
  for (let i = 0; i < 5; i++) await run();
  const warm: number[] = [];
  for (let i = 0; i < 30; i++) warm.push(await timed(run));
  const c = summarize(cold);
  const w = summarize(warm);
  return [
    [`${label}, first run after deploy: median of 5`, ms(c.p50)],
    [`${label}, warm run: p50 of 30`, ms(w.p50)],
    [`${label}, warm run: p99 of 30`, ms(w.p99)],
  ];
}

/** The same try-out with the resolution cache off: every call asks the registry (the former behaviour). */
async function withoutResolveCache(): Promise<[string, string][]> {
  process.env.RUNLET_RESOLVE_CACHE_MS = '0';
  let p: TestPlatform;
  try {
    p = await benchPlatform('try_nocache');
  } finally {
    delete process.env.RUNLET_RESOLVE_CACHE_MS;
  }
  try {
    await tryOut(p, DEPS_CODE(0));
    const samples: number[] = [];
    for (let i = 1; i <= 5; i++) samples.push(await timed(() => tryOut(p, DEPS_CODE(i))));
    return [
      [
        'try-out, installed dayjs + lodash, RUNLET_RESOLVE_CACHE_MS=0: median of 5',
        ms(summarize(samples).p50),
      ],
    ];
  } finally {
    await p.close();
  }
}

async function tryOut(p: TestPlatform, code: string): Promise<void> {
  const res = await p.api('POST', '/api/v1/try', { code, language: 'javascript' });
  if (res.body?.status !== 'succeeded') throw new Error(`try-out failed: ${JSON.stringify(res.body)}`);
}

async function timed(task: () => Promise<void>): Promise<number> {
  const t = performance.now();
  await task();
  return performance.now() - t;
}
