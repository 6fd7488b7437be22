import { loadConfig } from '@runlet/platform';
import { createBuiltScript, startPlatform, TestPlatform } from './support/platform';

const CALLERS = 64;
const DURATION_MS = 60_000;

/** What a caller got back: the script's answer, a contract error, or no answer at all. */
type Answer = { status: number; body: any } | { failed: string };

describe('concurrency: many callers on one egress webhook (default pool and executor settings)', () => {
  let p: TestPlatform;
  let url: string;
  beforeAll(async () => {
    const defaults = loadConfig({}, []);
    p = await startPlatform('concurrency', {
      config: { executor: defaults.executor, webhooks: defaults.webhooks },
    });
    // `egress` is the default network: every sandbox gets slirp4netns and its routes via nsenter.
    const scriptId = await createBuiltScript(p, {
      name: 'echo',
      code: `export default async (event) => ({ n: event.http.body.n })`,
    });
    const trigger = await p.api('POST', `/api/v1/scripts/${scriptId}/triggers`, { type: 'http' });
    expect(trigger.status).toBe(201);
    url = `${p.url}/hooks/${trigger.body.id}`;
  });
  afterAll(() => p.close());

  const call = async (n: number): Promise<Answer> => {
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ n }),
      });
      const text = await res.text();
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        /* not JSON */
      }
      return { status: res.status, body };
    } catch (err) {
      return { failed: String((err as Error & { cause?: Error }).cause ?? err) };
    }
  };

  it(`${CALLERS} callers for ${DURATION_MS / 1000} s: the platform stays up and every call is answered`, async () => {
    const answers: Answer[] = [];
    const end = Date.now() + DURATION_MS;
    let n = 0;
    await Promise.all(
      Array.from({ length: CALLERS }, async () => {
        while (Date.now() < end) answers.push(await call(++n));
      }),
    );
    const unanswered = answers.filter((a) => 'failed' in a);
    const answered = answers.filter((a): a is { status: number; body: any } => 'status' in a);
    const succeeded = answered.filter((a) => a.status === 200 && typeof a.body?.n === 'number');
    // Anything else must be a precise error in the contract's shape (a failed start names its cause).
    const ok = new Set(succeeded);
    const imprecise = answered.filter(
      (a) =>
        !ok.has(a) &&
        a.status !== 202 &&
        !(typeof a.body?.statusCode === 'number' && a.body.error && a.body.message),
    );
    const serverErrors = answered.filter((a) => a.status >= 500);
    console.log(
      `${answers.length} calls: ${succeeded.length} succeeded, ${serverErrors.length} 5xx ` +
        JSON.stringify([...new Set(serverErrors.map((a) => a.body?.message))].slice(0, 5)),
    );
    expect(unanswered).toEqual([]);
    expect(imprecise).toEqual([]);
    expect(succeeded.length).toBeGreaterThan(0);
    // Still serving everyone afterwards.
    const after = await call(-1);
    expect(after).toMatchObject({ status: 200, body: { n: -1 } });
  }, 180_000);
});
