import { createBuiltScript, startPlatform, TestPlatform, waitForBuild } from './support/platform';

// Real npm against the real registry, through the platform: API → event → builder → package_types → API.
jest.setTimeout(300_000);

const DAYJS = `import dayjs from 'dayjs';\nexport default async () => ({ at: dayjs().format('YYYY') });\n`;

describe("GET /scripts/:id/versions/:version/types: the packages' types a build installed (api + builder roles)", () => {
  let p: TestPlatform;
  let scriptId: string;

  beforeAll(async () => {
    p = await startPlatform('package_types', { roles: ['api', 'builder'] });
    scriptId = await createBuiltScript(p, { name: 'typed', code: DAYJS, dependencies: { dayjs: '1.11.10' } });
  });
  afterAll(() => p?.close());

  it("answers the declarations of the version's build as node_modules paths", async () => {
    const builds = (await p.api('GET', `/api/v1/scripts/${scriptId}/builds`)).body.items;
    const res = await p.api('GET', `/api/v1/scripts/${scriptId}/versions/1/types`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      scriptId,
      version: 1,
      buildId: builds[0].id,
      lockfileHash: builds[0].lockfileHash,
      omitted: [],
    });
    expect(res.body.files['node_modules/dayjs/index.d.ts']).toContain('format(template?: string): string');
    expect(JSON.parse(res.body.files['node_modules/dayjs/package.json'])).toMatchObject({
      types: 'index.d.ts',
    });
    expect(res.body.bytes).toBeGreaterThan(res.body.files['node_modules/dayjs/index.d.ts'].length);
  });

  it('a version whose build failed has no types: 404 saying so', async () => {
    const saved = await p.api('PUT', `/api/v1/scripts/${scriptId}`, { code: `${DAYJS}\nconst x: = 1;\n` });
    expect(saved.status).toBe(200);
    const built = await waitForBuild(p, scriptId, saved.body.version);
    expect(built.build.status).toBe('failed');
    const res = await p.api('GET', `/api/v1/scripts/${scriptId}/versions/${saved.body.version}/types`);
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ statusCode: 404, error: 'Not Found' });
    expect(res.body.message).toBe(
      `script ${scriptId} version ${saved.body.version} has no successful build yet: its packages' types come from the build that installs them`,
    );
    // The earlier version keeps its types.
    expect((await p.api('GET', `/api/v1/scripts/${scriptId}/versions/1/types`)).status).toBe(200);
  });

  it('a script without packages has an empty set', async () => {
    const plain = await createBuiltScript(p, { name: 'plain', code: 'export default () => 1;\n' });
    const res = await p.api('GET', `/api/v1/scripts/${plain}/versions/1/types`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ scriptId: plain, version: 1, files: {}, bytes: 0, omitted: [] });
  });

  it('a missing script or version is a 404, a version that is no number a 400', async () => {
    const noVersion = await p.api('GET', `/api/v1/scripts/${scriptId}/versions/99/types`);
    expect(noVersion.status).toBe(404);
    expect(noVersion.body.message).toBe(`script ${scriptId} has no version 99`);
    const noScript = await p.api(
      'GET',
      `/api/v1/scripts/00000000-0000-4000-8000-000000000000/versions/1/types`,
    );
    expect(noScript.status).toBe(404);
    expect((await p.api('GET', `/api/v1/scripts/${scriptId}/versions/one/types`)).status).toBe(400);
  });

  it('needs an API key', async () => {
    const res = await fetch(`${p.url}/api/v1/scripts/${scriptId}/versions/1/types`);
    expect(res.status).toBe(401);
  });
});
