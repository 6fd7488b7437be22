import Docker from 'dockerode';
import { BuilderService } from '@runlet/builder';
import { IMAGE_LABELS, RegistryClient } from '@runlet/build';
import { createBuiltScript, startPlatform, TestPlatform, waitForBuild } from './support/platform';

/**
 * Images per script version in a real registry (RUNLET_REGISTRY, Debian's docker-registry on
 * 127.0.0.1:5000 in `npm run test:docker`), built on the real Docker engine and run by the
 * docker runtime.
 */
const REGISTRY = process.env.RUNLET_REGISTRY ?? '';

describe('images: one per script version, pushed to the registry, collected when archived (real Docker + registry)', () => {
  let p: TestPlatform;
  const registry = new RegistryClient({ registry: REGISTRY });
  const docker = new Docker();
  const code = (answer: number) => `import dayjs from 'dayjs';
import fs from 'node:fs';
export default () => ({
  answer: ${answer},
  year: dayjs('2024-05-01').year(),
  fromImage: fs.existsSync('/app/node_modules/dayjs/package.json'),
});`;

  beforeAll(async () => {
    expect(process.env.RUNLET_RUNTIME).toBe('docker'); // npm run test:docker
    expect(REGISTRY).not.toBe('');
    p = await startPlatform('images', { roles: ['api', 'builder', 'executor'] });
  });
  afterAll(() => p.close());

  it('a code-only change pushes only a small top layer; runs use the image; archiving removes them', async () => {
    const id = await createBuiltScript(p, {
      name: 'img',
      code: code(1),
      language: 'javascript',
      dependencies: { dayjs: '1.11.10' },
    });
    const repository = registry.repositoryOf(id);
    expect(await registry.tags(repository)).toEqual(['v1']);

    const saved = await p.api('PUT', `/api/v1/scripts/${id}`, { code: code(2) });
    expect(saved.status).toBe(200);
    expect((await waitForBuild(p, id, 2)).build.status).toBe('succeeded');
    expect((await registry.tags(repository)).sort()).toEqual(['v1', 'v2']);

    // The same layers up to the code: base, dependencies (by lockfile), harness; only the top differs.
    const v1 = (await registry.manifest(repository, 'v1'))!;
    const v2 = (await registry.manifest(repository, 'v2'))!;
    expect(v2.layers.length).toBe(v1.layers.length);
    expect(v2.layers.slice(0, -1).map((l) => l.digest)).toEqual(v1.layers.slice(0, -1).map((l) => l.digest));
    const top = v2.layers[v2.layers.length - 1];
    expect(top.digest).not.toBe(v1.layers[v1.layers.length - 1].digest);
    expect(top.size).toBeLessThan(200 * 1024);

    // The build recorded the image; it carries the script's labels.
    const builds = (
      await p.api(
        'GET',
        `/api/v1/events?stream=build-${(await p.api('GET', `/api/v1/scripts/${id}/builds`)).body.items[0].id}`,
      )
    ).body.items;
    const succeeded = builds.find((e: { type: string }) => e.type === 'BuildSucceeded');
    expect(succeeded.data.image).toBe(`${registry.host}/${repository}:v2`);
    expect(succeeded.data.imageDigest).toBe(v2.digest);
    const labels = (await docker.getImage(succeeded.data.image).inspect()).Config.Labels;
    expect(labels[IMAGE_LABELS.scriptId]).toBe(id);
    expect(labels[IMAGE_LABELS.version]).toBe('2');
    expect(labels[IMAGE_LABELS.lockfileHash]).toBe(succeeded.data.lockfileHash);

    // The run happens in the version's image: its dependencies are installed in it.
    const run = await p.api('POST', `/api/v1/scripts/${id}/runs`, { wait: true });
    expect(run.body.status).toBe('succeeded');
    expect(run.body.result).toEqual({ answer: 2, year: 2024, fromImage: true });

    expect((await p.api('DELETE', `/api/v1/scripts/${id}`)).status).toBeLessThan(300);
    const removed = await p.app.get(BuilderService).imageGc!.collect();
    expect(removed.sort()).toEqual([
      `${registry.host}/${repository}:v1`,
      `${registry.host}/${repository}:v2`,
    ]);
    expect(await registry.tags(repository)).toEqual([]);
    await expect(docker.getImage(succeeded.data.image).inspect()).rejects.toThrow();
  });
});
