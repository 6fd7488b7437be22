import { BuilderService } from '@runlet/builder';
import { Database } from '@runlet/event-store';
import { startPlatform, TestPlatform } from './support/platform';

// Real npm against the real registry, through the whole platform: API → event → builder → read model.
jest.setTimeout(300_000);

const SCRIPT = `
import dayjs from 'dayjs';
import fp from 'lodash/fp';
import slugify from '@sindresorhus/slugify';

export default async function () {
  return { date: dayjs('2024-03-05').format('YYYY/MM/DD'), words: fp.map(fp.toUpper)(['a']), slug: slugify('Hi there') };
}
`;

describe('Builds over HTTP (api + builder roles on real PostgreSQL, Redis and npm)', () => {
  let p: TestPlatform;
  let scriptId: string;

  beforeAll(async () => {
    p = await startPlatform('builds', { roles: ['api', 'builder'] });
  });
  afterAll(() => p?.close());

  /** Polls the script until the build of `version` has finished; returns that build from the list. */
  async function finishedBuild(version: number): Promise<any> {
    const deadline = Date.now() + 240_000;
    for (;;) {
      const { body } = await p.api('GET', `/api/v1/scripts/${scriptId}`);
      if (body.build?.version === version && ['succeeded', 'failed'].includes(body.build.status)) break;
      if (Date.now() > deadline)
        throw new Error(`build of v${version} did not finish: ${JSON.stringify(body.build)}`);
      await new Promise((r) => setTimeout(r, 250));
    }
    const builds = await p.api('GET', `/api/v1/scripts/${scriptId}/builds`);
    expect(builds.status).toBe(200);
    expect(builds.body.nextCursor).toBeNull();
    return builds.body.items.find((b: any) => b.version === version);
  }

  const save = async (body: object) => {
    const res = await p.api('PUT', `/api/v1/scripts/${scriptId}`, body);
    expect(res.status).toBe(200);
    return res.body.version as number;
  };
  const script = async () => (await p.api('GET', `/api/v1/scripts/${scriptId}`)).body;
  const events = async (stream: string) =>
    (await p.api('GET', `/api/v1/events?stream=${stream}&limit=1000`)).body.items as any[];

  it('builds a new script with exact versions (honouring the pin), records the log and deploys it', async () => {
    const created = await p.api(
      'POST',
      '/api/v1/scripts',
      { name: 'deps', code: SCRIPT, dependencies: { dayjs: '1.11.10' } },
      { 'x-correlation-id': 'corr-build-1' },
    );
    expect(created.status).toBe(201);
    scriptId = created.body.id;
    expect(created.body.build).toEqual({ status: 'pending', version: 1 });

    const build = await finishedBuild(1);
    expect(build).toMatchObject({ scriptId, version: 1, status: 'succeeded', cacheHit: false, changes: {} });
    expect(build.resolvedDependencies.dayjs).toBe('1.11.10');
    expect(Object.keys(build.resolvedDependencies)).toEqual(['@sindresorhus/slugify', 'dayjs', 'lodash']);
    for (const v of Object.values(build.resolvedDependencies)) expect(v).toMatch(/^\d+\.\d+\.\d+$/);
    expect(build.lockfileHash).toMatch(/^[0-9a-f]{64}$/);
    expect(build.durationMs).toBeGreaterThan(0);
    expect(build.finishedAt).toEqual(expect.any(String));
    expect(build.log.map((l: any) => l.message)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^imports: /), expect.stringMatching(/^built in/)]),
    );
    expect(build.log[0]).toMatchObject({ seq: 0, level: 'info', stream: 'system' });

    const detail = await script();
    expect(detail.deployedVersion).toBe(1);
    expect(detail.build).toEqual({ status: 'succeeded', version: 1 });

    // The build's events carry the saving request's correlation id and cause chain.
    const buildEvents = await events(`build-${build.id}`);
    expect(buildEvents.map((e) => e.type)).toEqual(['BuildRequested', 'BuildStarted', 'BuildSucceeded']);
    const saved = (await events(`script-${scriptId}`)).find((e) => e.type === 'ScriptVersionSaved');
    expect(buildEvents[0].metadata).toMatchObject({
      actor: 'system:builder',
      correlationId: 'corr-build-1',
      causationId: saved.eventId,
    });
    for (const e of buildEvents) expect(e.data.scriptId).toBe(scriptId);
    expect(buildEvents[2].data.lockfile).toContain('"node_modules/dayjs"');
  });

  it('a new version changing only code reuses the cached install', async () => {
    const version = await save({ code: SCRIPT.replace('Hi there', 'Hello again') });
    const build = await finishedBuild(version);
    expect(build).toMatchObject({ status: 'succeeded', cacheHit: true, changes: {} });
    expect(build.resolvedDependencies.dayjs).toBe('1.11.10');
    expect((await script()).deployedVersion).toBe(version);
  });

  it('an unknown package fails the build with its name, and the previous version stays deployed', async () => {
    const deployed = (await script()).deployedVersion;
    const version = await save({
      code: `import x from 'this-package-does-not-exist-xyz';\nexport default () => x;\n`,
    });
    const build = await finishedBuild(version);
    expect(build.status).toBe('failed');
    expect(build.error).toContain('this-package-does-not-exist-xyz');
    expect(build.log.some((l: any) => l.level === 'error')).toBe(true);
    const detail = await script();
    expect(detail.deployedVersion).toBe(deployed);
    expect(detail.build).toMatchObject({
      status: 'failed',
      version,
      error: expect.stringContaining('this-package'),
    });
  });

  it('a TypeScript syntax error fails the build with line:column', async () => {
    const version = await save({
      code: `export default async function () {\n  const x = ;\n  return x;\n}\n`,
    });
    const build = await finishedBuild(version);
    expect(build.status).toBe('failed');
    expect(build.error).toMatch(/:2:\d+: /);
    expect(build.errorLocation).toEqual({ line: 2, column: expect.any(Number) });
  });

  it('upgrading dependencies saves a new version whose build re-resolves ranges and reports what moved', async () => {
    // A range built against the previous lock keeps the locked 1.11.10 …
    const ranged = await save({ code: SCRIPT, dependencies: { dayjs: '^1.11.0' } });
    const kept = await finishedBuild(ranged);
    expect(kept).toMatchObject({ status: 'succeeded', changes: {} });
    expect(kept.resolvedDependencies.dayjs).toBe('1.11.10');

    // … until an upgrade re-resolves it to the newest 1.11.x.
    const res = await p.api('POST', `/api/v1/scripts/${scriptId}/dependencies/upgrade`);
    expect(res.status).toBe(202);
    expect(res.body.version).toBe(ranged + 1);
    const version = await p.api('GET', `/api/v1/scripts/${scriptId}/versions/${ranged + 1}`);
    expect(version.body).toMatchObject({
      reason: 'dependency upgrade',
      code: SCRIPT,
      dependencies: { dayjs: '^1.11.0' },
    });

    const upgraded = await finishedBuild(ranged + 1);
    expect(upgraded.status).toBe('succeeded');
    const dayjs = upgraded.resolvedDependencies.dayjs;
    expect(dayjs).toMatch(/^1\.11\.\d+$/);
    expect(Number(dayjs.split('.')[2])).toBeGreaterThan(10);
    expect(upgraded.changes.dayjs).toEqual({ from: '1.11.10', to: dayjs });
    for (const change of Object.values<any>(upgraded.changes))
      expect(Object.keys(change).sort()).toEqual(['from', 'to']);
    expect((await script()).deployedVersion).toBe(ranged + 1);
  });

  it('a redelivered ScriptVersionSaved does not request or run a second build', async () => {
    const db = p.app.get(Database);
    const before = await db.query(`SELECT count(*)::int AS n FROM events WHERE stream_id LIKE 'build-%'`);
    await db.query(`UPDATE subscriptions SET position = 0 WHERE name = 'process-manager:build-requests'`);
    const head = (await db.query(`SELECT position FROM log_head`))[0].position;
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      const [row] = await db.query(
        `SELECT position FROM subscriptions WHERE name = 'process-manager:build-requests'`,
      );
      if (Number(row.position) >= Number(head)) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    await new Promise((r) => setTimeout(r, 1500)); // room for any (wrong) job to run
    const after = await db.query(`SELECT count(*)::int AS n FROM events WHERE stream_id LIKE 'build-%'`);
    expect(after[0].n).toBe(before[0].n);
  });

  it('garbage collection keeps the installs that deployed versions and recent builds use', async () => {
    const removed = await p.app.get(BuilderService).gc.collect(0);
    const builds = (await p.api('GET', `/api/v1/scripts/${scriptId}/builds`)).body.items;
    const used = builds.filter((b: any) => b.lockfileHash).map((b: any) => b.lockfileHash);
    for (const hash of used) expect(removed).not.toContain(hash);
  });

  it('refuses file:, git and URL dependencies', async () => {
    for (const spec of [
      'file:../evil',
      'git+https://github.com/a/b.git',
      'https://example.com/x.tgz',
      'a/b',
    ]) {
      const res = await p.api('POST', '/api/v1/scripts', {
        name: 'bad',
        code: 'x',
        dependencies: { dayjs: spec },
      });
      expect(res.status).toBe(400);
      expect(res.body.message).toMatch(/not a registry version or range/);
    }
    const put = await p.api('PUT', `/api/v1/scripts/${scriptId}`, { dependencies: { dayjs: 'file:/etc' } });
    expect(put.status).toBe(400);
  });

  it('404 for the builds of an unknown script', async () => {
    expect((await p.api('GET', '/api/v1/scripts/nope/builds')).status).toBe(404);
  });
});
