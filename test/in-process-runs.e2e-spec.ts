import { Queue } from 'bullmq';
import { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { EXECUTIONS_QUEUE } from '@runlet/executions';
import { queueOptions } from '@runlet/platform';
import { recordQueuedExecution } from './support/executions';
import { createBuiltScript, startPlatform, TestPlatform } from './support/platform';
import { ensureBuilt, freePort, startRoleProcess } from './support/role-process';

const TERMINAL = ['ExecutionSucceeded', 'ExecutionFailed', 'ExecutionTimedOut', 'ExecutionCancelled'];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A request that waits for its result (sync webhook, run with `wait`) is run by the executor of
 * the process that took it, without the queue's hop. The queue still covers that process dying.
 */
describe('runs taken in-process by an api+executor process (real processes, PostgreSQL, Redis, bwrap)', () => {
  let p: TestPlatform;
  let queue: Queue;
  const children: ChildProcess[] = [];
  beforeAll(async () => {
    ensureBuilt();
    p = await startPlatform('in_process_runs', { roles: ['api', 'builder'] });
    queue = new Queue(EXECUTIONS_QUEUE, queueOptions(p.config.redisUrl, p.config.databaseUrl));
  });
  afterAll(async () => {
    for (const c of children) c.kill('SIGKILL');
    await queue.close();
    await p.close();
  });

  /** A separate process with the api and executor roles and a short lock; resolves to its URL once it serves. */
  const startApiExecutor = async (): Promise<{ url: string; child: ChildProcess }> => {
    const port = await freePort();
    const child = startRoleProcess(p, ['api', 'executor'], {
      PORT: String(port),
      RUNLET_ADMIN_KEY: p.adminKey,
      RUNLET_EXECUTOR_LOCK_MS: '1500',
    });
    children.push(child);
    const url = `http://127.0.0.1:${port}`;
    for (let i = 0; i < 300; i++) {
      if ((await fetch(`${url}/health`).catch(() => undefined))?.status === 200) return { url, child };
      await sleep(100);
    }
    throw new Error('the api+executor process did not start');
  };
  const execution = async (id: string) => (await p.api('GET', `/api/v1/executions/${id}`)).body;
  const eventTypes = async (id: string): Promise<string[]> =>
    (await p.api('GET', `/api/v1/events?stream=execution-${id}`)).body.items.map((e: any) => e.type);
  const settled = async (id: string) => {
    let view: any;
    for (let i = 0; i < 300; i++) {
      view = await execution(id);
      if (view.status && !['queued', 'running'].includes(view.status)) return view;
      await sleep(100);
    }
    return view;
  };

  it("a sync webhook is answered by the process that took it, with no job left in the queue, its queueing recorded by the run's first append", async () => {
    const { url } = await startApiExecutor();
    const id = await createBuiltScript(p, {
      name: 'quick',
      code: `export default (event, ctx) => { ctx.log.info('seen', event.http.body.n); return { n: event.http.body.n * 2 }; }`,
    });
    const trigger = (await p.api('POST', `/api/v1/scripts/${id}/triggers`, { type: 'http' })).body;
    const call = (n: number) =>
      fetch(`${url}/hooks/${trigger.id}`, {
        method: 'POST',
        body: JSON.stringify({ n }),
        headers: { 'content-type': 'application/json' },
      });
    expect(await (await call(1)).json()).toEqual({ n: 2 }); // the first starts the version's warm sandboxes
    const res = await call(21);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ n: 42 });
    const executionId = res.headers.get('x-runlet-execution-id')!;
    // A run through the queue leaves its completed job; an in-process one leaves none (a run that
    // outlasted the quick path parks a job while it runs, removed as it finishes).
    let job = await queue.getJob(executionId);
    for (let i = 0; i < 50 && job; i++) {
      await sleep(100);
      job = await queue.getJob(executionId);
    }
    expect(job).toBeUndefined();
    const events = (await p.api('GET', `/api/v1/events?stream=execution-${executionId}`)).body.items;
    expect(events.map((e: any) => e.type)).toEqual([
      'TriggerFired',
      'ExecutionQueued',
      'ExecutionStarted',
      'ExecutionSucceeded',
    ]);
    // Queued together with its start, in one append (its outcome joins them when the run is quick
    // enough; a busy machine may record it later); each event keeps its own actor.
    expect(new Set(events.slice(0, 3).map((e: any) => e.recordedAt)).size).toBe(1);
    expect(events.map((e: any) => e.metadata.actor.split(':')[0])).toEqual([
      'webhook',
      'webhook',
      'system',
      'system',
    ]);
    const logs = (await p.api('GET', `/api/v1/executions/${executionId}/logs`)).body.items;
    expect(logs.map((l: any) => l.message)).toContain('seen 21');
  });

  it('when that process dies mid-run, the job it parked comes due and another executor finishes the execution once', async () => {
    const { url, child } = await startApiExecutor();
    const id = await createBuiltScript(p, {
      name: 'slow',
      code: `export default async () => { console.log('working'); await new Promise((r) => setTimeout(r, 2500)); return 'finished'; }`,
    });
    const waiting = fetch(`${url}/api/v1/scripts/${id}/runs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${p.adminKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ wait: true }),
    }).catch(() => undefined); // the process dies before it answers
    let executionId: string | undefined;
    for (let i = 0; i < 300 && !executionId; i++) {
      const list = (await p.api('GET', `/api/v1/executions?scriptId=${id}`)).body.items;
      if (list[0]?.status === 'running') executionId = list[0].id;
      else await sleep(50);
    }
    expect(executionId).toBeDefined();
    // The run outlasted the quick path: its job waits in the queue, pushed back while the run lives.
    expect(await (await queue.getJob(executionId!))?.getState()).toBe('delayed');

    child.kill('SIGKILL');
    await waiting;
    const other = startRoleProcess(p, ['executor'], { RUNLET_EXECUTOR_LOCK_MS: '1500' });
    children.push(other);

    expect(await settled(executionId!)).toMatchObject({
      status: 'succeeded',
      result: 'finished',
      attempt: 2,
    });
    const types = await eventTypes(executionId!);
    expect(types.filter((t) => t === 'ExecutionStarted')).toHaveLength(2);
    expect(types.filter((t) => TERMINAL.includes(t))).toEqual(['ExecutionSucceeded']);
  });

  it('an execution recorded as queued whose job never reached the queue is queued again and runs once', async () => {
    const id = await createBuiltScript(p, { name: 'stranded', code: `export default () => 'ran'` });
    children.push(startRoleProcess(p, ['executor'], { RUNLET_EXECUTOR_LOCK_MS: '1000' }));
    // As if the process that queued it died right after the append.
    const executionId = randomUUID();
    await recordQueuedExecution(p, executionId, id);
    expect(await queue.getJob(executionId)).toBeUndefined();

    expect(await settled(executionId)).toMatchObject({ status: 'succeeded', result: 'ran', attempt: 1 });
    expect((await eventTypes(executionId)).filter((t) => TERMINAL.includes(t))).toEqual([
      'ExecutionSucceeded',
    ]);
  });
});
