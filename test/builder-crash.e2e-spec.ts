import { ChildProcess } from 'node:child_process';
import { startPlatform, TestPlatform, waitForBuild } from './support/platform';
import { ensureBuilt, startRoleProcess } from './support/role-process';

/** A separate builder process with a short job lock, so a dead one's build is retried soon. */
const startBuilder = (p: TestPlatform): ChildProcess =>
  startRoleProcess(p, ['builder'], { RUNLET_BUILD_LOCK_MS: '1500' });

describe('a builder killed with SIGKILL mid-build (real processes, real npm)', () => {
  let p: TestPlatform;
  const children: ChildProcess[] = [];
  beforeAll(async () => {
    ensureBuilt();
    p = await startPlatform('builder_crash', { roles: ['api'] });
  });
  afterAll(async () => {
    for (const c of children) c.kill('SIGKILL');
    await p.close();
  });

  it('has its job retried by another builder: the version is built and deployed once', async () => {
    children.push(startBuilder(p));
    const created = await p.api('POST', '/api/v1/scripts', {
      name: 'crash',
      code: `import isNumber from 'is-number'; export default () => isNumber(5);`,
      dependencies: { 'is-number': '7.0.0' },
    });
    const builds = async () => (await p.api('GET', `/api/v1/scripts/${created.body.id}/builds`)).body.items;
    for (let i = 0; i < 600; i++) {
      if ((await builds())[0]?.status === 'building') break;
      await new Promise((r) => setTimeout(r, 20));
    }
    expect((await builds())[0]?.status).toBe('building');
    children[0].kill('SIGKILL');
    children.push(startBuilder(p));

    const detail = await waitForBuild(p, created.body.id, 1);
    expect(detail).toMatchObject({ build: { status: 'succeeded' }, deployedVersion: 1 });
    const events = (
      await p.api('GET', `/api/v1/scripts/${created.body.id}/history?limit=1000`)
    ).body.items.map((e: any) => e.type);
    expect(events.filter((t: string) => t === 'BuildStarted').length).toBeGreaterThanOrEqual(2);
    expect(events.filter((t: string) => t === 'BuildSucceeded')).toHaveLength(1);
    expect(events.filter((t: string) => t === 'ScriptVersionDeployed')).toHaveLength(1);
  });
});
