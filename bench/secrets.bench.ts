import { InfisicalStandIn } from '@runlet/secrets';
import { createBuiltScript, TestPlatform } from '../test/support/platform';
import { benchPlatform } from './platform-bench';
import { ms, report, summarize } from './stats';

const ROUNDS = 20;
const FIVE = ['S1', 'S2', 'S3', 'S4', 'S5'];

/**
 * What secrets cost an execution (POST /scripts/:id/runs with wait → result): none declared,
 * five builtin secrets (one stream-head and one value query, five decryptions, masking of the
 * log line and result), and one through an Infisical stand-in with a warm cache (the default
 * INFISICAL_CACHE_TTL_MS, 30 s). Settings as `npm start`, but pool size 1 (the test platform's).
 */
export async function benchSecrets(): Promise<void> {
  const standIn = await new InfisicalStandIn().start();
  standIn.set('FROM_INFISICAL', 'infisical-bench-value');
  const p = await benchPlatform('secrets', {
    secrets: {
      providers: ['builtin', 'infisical'],
      infisical: {
        siteUrl: standIn.url,
        clientId: standIn.clientId,
        clientSecret: standIn.clientSecret,
        projectId: standIn.projectId,
        environment: standIn.environment,
        secretPath: '/',
        cacheTtlMs: 30_000,
      },
    },
  });
  const rows: [string, string | number][] = [];
  try {
    for (const name of FIVE)
      await p.api('PUT', `/api/v1/secrets/${name}`, { value: `bench-value-of-${name}` });
    const code = (names: string[]) =>
      `export default async (event, ctx) => { ctx.log.info('hi', ${names.map((n) => `ctx.secrets.${n}`).join(', ') || "''"}); return { n: ${names.length} }; }`;
    const series: Array<[string, string, number[]]> = [
      ['no secrets', await script(p, 'none', code([]), []), []],
      ['five builtin secrets', await script(p, 'five', code(FIVE), FIVE), []],
      [
        'one Infisical secret (stand-in, warm cache)',
        await script(p, 'infisical', code(['FROM_INFISICAL']), ['infisical:FROM_INFISICAL']),
        [],
      ],
    ];
    for (const [, id] of series) await run(p, id); // warm sandboxes and the Infisical cache (untimed)
    for (let i = 0; i < ROUNDS; i++)
      for (const [, id, samples] of series) samples.push(await timed(() => run(p, id)));
    const none = summarize(series[0][2]).p50;
    for (const [label, , samples] of series) {
      const { p50, p99 } = summarize(samples);
      rows.push([`run with wait, ${label}: p50 / p99 of ${ROUNDS}`, `${ms(p50)} / ${ms(p99)}`]);
      if (samples !== series[0][2]) rows.push([`  ${label} − none (p50)`, ms(p50 - none)]);
    }
    rows.push([
      'Infisical secret requests during the timed runs (cache hits need none)',
      standIn.secretRequests,
    ]);
  } finally {
    await p.close();
    await standIn.stop();
  }
  report('the cost of secrets per execution (api + builder + executor in one process)', rows);
}

async function script(p: TestPlatform, name: string, code: string, secrets: string[]): Promise<string> {
  return createBuiltScript(p, { name: `secrets-${name}`, code, language: 'javascript', secrets });
}

async function run(p: TestPlatform, id: string): Promise<void> {
  const res = await p.api('POST', `/api/v1/scripts/${id}/runs`, { wait: true });
  if (res.body?.status !== 'succeeded') throw new Error(`bench run failed: ${JSON.stringify(res.body)}`);
}

async function timed(task: () => Promise<void>): Promise<number> {
  const t = performance.now();
  await task();
  return performance.now() - t;
}
