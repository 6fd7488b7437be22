import { tailToEnd } from './support/log-stream';
import { startPlatform, TestPlatform } from './support/platform';

describe('POST /try runs unsaved code in the sandbox (platform on real PostgreSQL, Redis, bwrap)', () => {
  let p: TestPlatform;
  beforeAll(async () => {
    p = await startPlatform('try', { roles: ['api', 'executor'] });
  });
  afterAll(() => p.close());

  it('returns the result and the logs in order with levels; the execution is recorded as a try', async () => {
    const res = await p.api('POST', '/api/v1/try', {
      code: `export default async function (event, ctx) {
  console.log('hello', event.input.name);
  ctx.log.warn('careful');
  console.error('oops');
  return { sum: event.input.a + event.input.b, trigger: event.trigger.type };
}`,
      input: { name: 'ada', a: 2, b: 3 },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      status: 'succeeded',
      result: { sum: 5, trigger: 'try' },
      trigger: { type: 'try' },
    });
    expect(res.body.logs.map((l: any) => [l.level, l.stream, l.message])).toEqual([
      ['info', 'stdout', 'hello ada'],
      ['warn', 'stderr', 'careful'],
      ['error', 'stderr', 'oops'],
    ]);
    const events = await p.api('GET', `/api/v1/events?stream=execution-${res.body.id}`);
    expect(events.body.items.map((e: any) => e.type)).toEqual([
      'ExecutionQueued',
      'ExecutionStarted',
      'ExecutionSucceeded',
    ]);
  });

  it('a thrown error → failed with its message and a stack at the user line', async () => {
    const res = await p.api('POST', '/api/v1/try', {
      code: `export default async function () {\n  const x: number = 1;\n  throw new Error('nope ' + x);\n}`,
    });
    expect(res.body.status).toBe('failed');
    expect(res.body.error.message).toBe('nope 1');
    expect(res.body.error.stack).toMatch(/script\.ts:3/);
  });

  it('a syntax error → failed with line and column, recorded', async () => {
    const res = await p.api('POST', '/api/v1/try', { code: `export default () => {\n  const = 1;\n}` });
    expect(res.body.status).toBe('failed');
    expect(res.body.error.message).toMatch(/build failed: .*2:\d+/);
    // Its log (the build's error) is stored before it is recorded failed: a tail gets it, then ends.
    const lines = await tailToEnd(p, res.body.id);
    expect(lines).toEqual([expect.stringMatching(/2:\d+/)]);
  });
});
