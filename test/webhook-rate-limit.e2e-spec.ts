import { REDIS_URL } from './support/database';
import { Cluster } from './resilience/support/cluster';
import { callHook } from './resilience/support/load';

const RATE = 3;

// The limit is per trigger across the whole installation, not per api process: two api processes
// behind one address must not let twice the rate through.
describe('webhook rate limit across two api processes (real processes, Redis)', () => {
  let cluster: Cluster;
  afterAll(() => cluster?.close());

  it('calls spent on one api process count on the other: the next call there answers 429 with Retry-After', async () => {
    cluster = await Cluster.create('rate_two_apis', {
      redisUrl: REDIS_URL,
      env: { RUNLET_WEBHOOK_RATE_PER_SEC: String(RATE) },
    });
    const a = await cluster.start(['api', 'builder', 'executor']);
    const b = await cluster.start(['api']);
    const scriptId = await cluster.builtScript({ name: 'limited', code: 'export default () => 1' });
    const [at, bt] = [a, b].map((p) => `http://127.0.0.1:${p.port}`);

    // A window lasts one second from its first call; an attempt slower than that proves nothing, so try again.
    let verdict: { statuses: number[]; retryAfter: string | null } | undefined;
    for (let attempt = 0; attempt < 5 && !verdict; attempt++) {
      const hook = (
        await cluster.api('POST', `/api/v1/scripts/${scriptId}/triggers`, { type: 'http', mode: 'async' }, at)
      ).body.id;
      const started = Date.now();
      const statuses: number[] = [];
      for (let i = 0; i < RATE; i++) statuses.push((await callHook(at, hook)).status);
      const res = await fetch(`${bt}/hooks/${hook}`, { method: 'POST', body: '{}' });
      statuses.push(res.status);
      await res.text();
      if (Date.now() - started < 900) verdict = { statuses, retryAfter: res.headers.get('retry-after') };
    }
    expect(verdict).toEqual({ statuses: [202, 202, 202, 429], retryAfter: '1' });
  }, 300_000);
});
