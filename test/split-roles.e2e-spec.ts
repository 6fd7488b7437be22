import { ChildProcess } from 'node:child_process';
import { createBuiltScript, startPlatform, TestPlatform } from './support/platform';
import { ensureBuilt, startRoleProcess } from './support/role-process';

// Roles in separate processes, as Kubernetes runs them: the API answers sync webhooks and runs
// with `wait` with results that an executor in another process announces, possibly before the
// API has finished queueing them.
describe('api and executor in separate processes (real processes, PostgreSQL, Redis, bwrap)', () => {
  let p: TestPlatform;
  let executor: ChildProcess;
  beforeAll(async () => {
    ensureBuilt();
    p = await startPlatform('split_roles', { roles: ['api', 'builder'] });
    executor = startRoleProcess(p, ['executor'], {
      RUNLET_EXECUTOR_CONCURRENCY: '16',
      RUNLET_POOL_SIZE: '8',
    });
  });
  afterAll(async () => {
    executor?.kill('SIGKILL');
    await p.close();
  });

  it('every sync webhook and every run with wait under concurrent load answers with its result', async () => {
    const id = await createBuiltScript(p, {
      name: 'quick',
      code: `export default (event) => ({ ok: true })`,
    });
    const trigger = (await p.api('POST', `/api/v1/scripts/${id}/triggers`, { type: 'http' })).body;
    const answers = new Map<string, number>();
    const count = (key: string) => answers.set(key, (answers.get(key) ?? 0) + 1);
    // 16 concurrent clients, 6 calls each: every answer is counted, none may be missing or wrong.
    await Promise.all(
      Array.from({ length: 16 }, async (_, client) => {
        for (let call = 0; call < 6; call++) {
          if (client % 4 === 0) {
            const run = await p.api('POST', `/api/v1/scripts/${id}/runs`, { wait: true });
            count(`run ${run.status} ${run.body?.status}`);
          } else {
            const res = await fetch(`${p.url}/hooks/${trigger.id}`, { method: 'POST', body: '{}' });
            count(`webhook ${res.status} ${await res.text()}`);
          }
        }
      }),
    );
    expect(Object.fromEntries(answers)).toEqual({
      'run 200 succeeded': 4 * 6,
      'webhook 200 {"ok":true}': 12 * 6,
    });
  });
});
