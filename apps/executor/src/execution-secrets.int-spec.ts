import { InfisicalSecrets, InfisicalStandIn } from '@runlet/secrets';
import { findInDatabase, scannedColumns } from '@runlet/testing';
import { TestExecutor } from './test-executor';

/** A value that needs escaping in JSON and in URLs, long enough to be masked. */
const SECRET = 'Sup3r$ecret/Val+ue"with\\quote é&=';

/** Every way the issue lists a script might leak its secret, then it returns and (on request) throws it. */
const LEAKY = `export default async function (event, ctx) {
  const s = ctx.secrets.LEAKY;
  console.log('plain', s);
  for (const prefix of ['', 'a', 'ab']) console.log('b64', Buffer.from(prefix + s).toString('base64'));
  console.log('b64url', Buffer.from(s).toString('base64url'));
  console.log(JSON.stringify({ nested: { s } }));
  console.log('url', encodeURIComponent(s), new URLSearchParams({ s }).toString());
  process.stdout.write('split ' + s.slice(0, 7));
  process.stdout.write(s.slice(7) + ' end\\n');
  console.log('two lines ' + s.slice(0, 9));
  console.log(s.slice(9) + ' done');
  ctx.log.error('as error', s);
  return { s, b64: Buffer.from(s).toString('base64'), list: [s], keys: Object.keys(ctx.secrets),
    inEnv: Object.values(process.env).some((v) => v.includes(s)) };
}`;
const THROWS = `export default async function (event, ctx) { throw new Error('boom ' + ctx.secrets.LEAKY); }`;
/** What a script can show of its secret without it being masked: the value reversed. */
const REVERSED = (name: string) =>
  `export default (event, ctx) => [...ctx.secrets.${name}].reverse().join('')`;
const reversed = (s: string) => [...s].reverse().join('');

/** The forms of SECRET a leak would leave in stored text (jsonb::text escapes " and \\). */
const NEEDLES = [
  SECRET,
  JSON.stringify(SECRET).slice(1, -1),
  Buffer.from(SECRET).toString('base64').replace(/=+$/, ''),
  encodeURIComponent(SECRET),
];

describe('secrets in executions (real PostgreSQL, Redis and sandbox)', () => {
  let t: TestExecutor;
  beforeAll(async () => {
    t = await TestExecutor.start('execution_secrets');
    await t.setSecret('LEAKY', SECRET);
    await t.setSecret('OTHER', 'other-secret-value');
  });
  afterAll(() => t.close());

  const run = async (code: string, secrets: string[]) => {
    const { id, from } = await t.queued(code, secrets);
    expect(await t.attempts.run({ executionId: id, jobId: undefined }, from)).toBe('finished');
    const events = await t.events(id);
    return { id, events, last: events[events.length - 1], lines: await t.lines(id) };
  };

  it('a script leaking its secret every way → no line, result, error or event holds it, nor any column of the database', async () => {
    const ok = await run(LEAKY, ['LEAKY']);
    expect(ok.last.type).toBe('ExecutionSucceeded');
    expect(ok.last.data.result).toEqual({
      s: '***',
      b64: '***',
      list: ['***'],
      keys: ['LEAKY'],
      inEnv: false,
    });
    const messages = ok.lines.map(([, , message]) => message);
    expect(messages).toHaveLength(12);
    expect(messages[0]).toBe('plain ***');
    expect(messages.filter((m) => m.includes('***'))).toHaveLength(12);
    const failed = await run(THROWS, ['LEAKY']);
    expect(failed.last.type).toBe('ExecutionFailed');
    expect(failed.last.data.error.message).toBe('boom ***');
    for (const text of [JSON.stringify([ok.events, failed.events]), JSON.stringify([ok.lines, failed.lines])])
      for (const needle of NEEDLES) expect(text).not.toContain(needle);
    expect(await scannedColumns(t.db)).toBeGreaterThan(10);
    expect(await findInDatabase(t.db, NEEDLES)).toEqual([]);
  });

  it('only declared secrets reach ctx.secrets; a try-out that declares none gets none', async () => {
    const keys = `export default (event, ctx) => Object.keys(ctx.secrets)`;
    expect((await run(keys, ['OTHER'])).last.data.result).toEqual(['OTHER']);
    expect((await run(keys, [])).last.data.result).toEqual([]);
  });

  it('a missing secret fails the execution before user code runs, naming it, with a system line', async () => {
    const { last, lines } = await run(`export default () => { console.log('user code ran'); }`, [
      'LEAKY',
      'MISSING',
    ]);
    expect(last.type).toBe('ExecutionFailed');
    expect(last.data.error.message).toBe('[runlet] secret MISSING not found (looked in builtin)');
    expect(lines).toEqual([[0, 'system', '[runlet] secret MISSING not found (looked in builtin)']]);
  });

  it('a missing secret is not retried: the version allows 3 attempts, the execution fails at its first', async () => {
    // A retry cannot find a secret nobody has set: it would only hold the caller for the backoff.
    const version = await t.version(`export default () => 1`, 3, ['MISSING']);
    const { id, from } = await t.queued(version);
    expect(await t.attempts.run({ executionId: id, jobId: undefined }, from)).toBe('finished');
    const events = await t.events(id);
    expect(events.map((e) => e.type)).toEqual(['ExecutionQueued', 'ExecutionStarted', 'ExecutionFailed']);
    expect(events[2].data).toMatchObject({ attempt: 1, willRetry: false });
    expect(events[2].data.error.message).toBe('[runlet] secret MISSING not found (looked in builtin)');
  });

  it('rotation: a secret set anew → the next execution sees the new value', async () => {
    await t.setSecret('ROTATED', 'first-value');
    expect((await run(REVERSED('ROTATED'), ['builtin:ROTATED'])).last.data.result).toBe(
      reversed('first-value'),
    );
    await t.setSecret('ROTATED', 'second-value');
    expect((await run(REVERSED('ROTATED'), ['ROTATED'])).last.data.result).toBe(reversed('second-value'));
  });

  it('infisical:NAME without Infisical configured fails naming the provider', async () => {
    const { last } = await run(REVERSED('X'), ['infisical:X']);
    expect(last.data.error.message).toMatch(/names the infisical provider, which is not configured/);
  });
});

describe('Infisical secrets in executions (Infisical stand-in, real SDK, PostgreSQL, Redis and sandbox)', () => {
  let t: TestExecutor;
  let standIn: InfisicalStandIn;
  beforeAll(async () => {
    standIn = await new InfisicalStandIn().start();
    standIn.set('FROM_INFISICAL', 'infisical-value-1');
    standIn.set('BOTH', 'infisical-both');
    const infisical = new InfisicalSecrets({
      siteUrl: standIn.url,
      clientId: standIn.clientId,
      clientSecret: standIn.clientSecret,
      projectId: standIn.projectId,
      environment: standIn.environment,
      secretPath: '/',
      cacheTtlMs: 0,
    });
    t = await TestExecutor.start('execution_infisical', [infisical]);
    await t.setSecret('BOTH', 'builtin-both');
  });
  afterAll(async () => {
    await t.close();
    await standIn.stop();
  });

  const run = async (code: string, secrets: string[]) => {
    const { id, from } = await t.queued(code, secrets);
    await t.attempts.run({ executionId: id, jobId: undefined }, from);
    const events = await t.events(id);
    return { last: events[events.length - 1], lines: await t.lines(id) };
  };

  it('stand-in: secrets arrive in the script, by bare name (builtin first) or named provider', async () => {
    const code = `export default (e, ctx) => ({ a: [...ctx.secrets.FROM_INFISICAL].reverse().join(''), b: [...ctx.secrets.BOTH].reverse().join('') })`;
    expect((await run(code, ['FROM_INFISICAL', 'BOTH'])).last.data.result).toEqual({
      a: reversed('infisical-value-1'),
      b: reversed('builtin-both'),
    });
    expect((await run(code, ['FROM_INFISICAL', 'infisical:BOTH'])).last.data.result).toEqual({
      a: reversed('infisical-value-1'),
      b: reversed('infisical-both'),
    });
  });

  it('stand-in: an expired token → one new login, then success', async () => {
    await run(REVERSED('FROM_INFISICAL'), ['FROM_INFISICAL']);
    const logins = standIn.logins;
    standIn.expireTokens();
    const { last } = await run(REVERSED('FROM_INFISICAL'), ['FROM_INFISICAL']);
    expect(last.type).toBe('ExecutionSucceeded');
    expect(standIn.logins).toBe(logins + 1);
  });

  it('stand-in stopped → the execution fails with an error naming Infisical (and a system line)', async () => {
    await standIn.stop();
    try {
      const { last, lines } = await run(REVERSED('FROM_INFISICAL'), ['infisical:FROM_INFISICAL']);
      expect(last.type).toBe('ExecutionFailed');
      expect(last.data.error.message).toMatch(
        /^\[runlet\] Infisical \(http:\/\/127\.0\.0\.1:\d+\) did not answer within \d+ ms/,
      );
      expect(lines).toEqual([[0, 'system', last.data.error.message]]);
    } finally {
      await standIn.start();
    }
  }, 15_000);
});
