import { createHmac } from 'node:crypto';
import { compileVerifier } from '../apps/api/src/webhooks/signatures';
import { benchPlatform, DEFAULTS, loadOverHttp, trivialScript } from './platform-bench';
import { ms, report, summarize } from './stats';

const BODY = '{"a":1}';
const SECRET = 'whsec_bench-secret-0123456789abcdef';

/** The headers each sender would send for BODY (no delivery id, so repeated calls are not deduplicated). */
function signedHeaders(auth: string): Record<string, string> {
  const hex = (data: string) => createHmac('sha256', SECRET).update(data).digest('hex');
  const t = Math.floor(Date.now() / 1000);
  if (auth === 'github') return { 'x-hub-signature-256': `sha256=${hex(BODY)}` };
  if (auth === 'stripe') return { 'stripe-signature': `t=${t},v1=${hex(`${t}.${BODY}`)}` };
  return {};
}

/**
 * Webhook latency (sync, trivial script, one client in its own process) with `auth: none` and the
 * `stripe` and `github` presets, plus the verification's own cost per call in process (the goal:
 * ≤ 0.2 ms at p50). Settings as the webhooks bench: `npm start`'s, with the rate limit lifted.
 */
export async function benchWebhookAuth(): Promise<void> {
  const p = await benchPlatform('webhook_auth', {
    webhooks: { ...DEFAULTS.webhooks, ratePerSecond: 1_000_000 },
  });
  try {
    const id = await trivialScript(p);
    const rows: [string, string][] = [];
    const p50s: Record<string, number> = {};
    for (const auth of ['none', 'stripe', 'github']) {
      const body = { type: 'http', auth, ...(auth === 'none' ? {} : { secret: SECRET }) };
      const trigger = (await p.api('POST', `/api/v1/scripts/${id}/triggers`, body)).body;
      const spec = {
        url: `${p.url}/hooks/${trigger.id}`,
        method: 'POST',
        body: BODY,
        headers: { 'content-type': 'application/json', ...signedHeaders(auth) },
        status: 200,
        seconds: 5,
      };
      await loadOverHttp({ ...spec, clients: 1, seconds: 1 }); // warm up the trigger cache and sandboxes
      const one = summarize((await loadOverHttp({ ...spec, clients: 1 })).latencies);
      p50s[auth] = one.p50;
      rows.push([`auth ${auth}: p50`, ms(one.p50)], [`auth ${auth}: p99`, ms(one.p99)]);
    }
    rows.push(
      ['stripe − none at p50 (HTTP, noisy)', ms(p50s.stripe - p50s.none)],
      ['github − none at p50 (HTTP, noisy)', ms(p50s.github - p50s.none)],
    );
    for (const auth of ['stripe', 'github'] as const) {
      rows.push([
        `${auth} verification alone, in process: p50`,
        `${(verificationP50(auth) * 1000).toFixed(1)} µs`,
      ]);
    }
    report('webhook auth (sync, trivial script, 1 client in a separate process)', rows);
  } finally {
    await p.close();
  }
}

/** The compiled verifier's own time per call (what the presets add to a request), p50 over batches. */
function verificationP50(auth: 'stripe' | 'github'): number {
  const verify = compileVerifier(
    { auth, toleranceSeconds: null, hmac: null, publicKey: null },
    { secrets: [SECRET], tokenHashes: [] },
  );
  const req = { headers: signedHeaders(auth), rawBody: Buffer.from(BODY), publicUrl: '', query: {} };
  const batch = 1000;
  const samples: number[] = [];
  for (let round = 0; round < 200; round++) {
    const t0 = performance.now();
    for (let i = 0; i < batch; i++) {
      if (!verify(req, Date.now() / 1000).ok) throw new Error(`${auth} verification failed in the bench`);
    }
    samples.push((performance.now() - t0) / batch);
  }
  return summarize(samples.slice(20)).p50;
}
