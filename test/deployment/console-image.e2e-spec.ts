import { freePort } from '../support/role-process';
import { docker, ensureBaseImages, eventually } from './support/docker';

// The console image (./Dockerfile.console), built with the local Docker engine from the locally
// built base image: Next.js's traced standalone server, run as user 10001, with no API behind it
// (its pages render; what needs the API says so).
const PREFIX = process.env.RUNLET_TEST_DB_PREFIX ?? 'runlet';
const IMAGE = `runlet/console:test-${PREFIX}`;
const NAME = `runlet-${PREFIX}-console-image`;

describe('console image (real Docker engine)', () => {
  let port: number;

  beforeAll(async () => {
    ensureBaseImages();
    docker('build', '-q', '-t', IMAGE, '-f', 'Dockerfile.console', '.');
    port = await freePort();
    docker('rm', '-fv', NAME);
    docker(
      'run',
      '-d',
      '--name',
      NAME,
      '-p',
      `127.0.0.1:${port}:3000`,
      '-e',
      'RUNLET_API_URL=http://127.0.0.1:9',
      IMAGE,
    );
  }, 15 * 60_000);

  afterAll(() => {
    docker('rm', '-fv', NAME);
  });

  it('serves the sign-in page and the editor’s TypeScript libraries as user 10001, and Docker sees it healthy', async () => {
    const page = await eventually(
      'the console to answer',
      async () => {
        const res = await fetch(`http://127.0.0.1:${port}/sign-in`, { signal: AbortSignal.timeout(5000) });
        return res.status === 200 ? await res.text() : undefined;
      },
      60_000,
    );
    expect(page).toContain('Runlet console');
    const libs = await (
      await fetch(`http://127.0.0.1:${port}/api/ts-libs`, { signal: AbortSignal.timeout(30_000) })
    ).json();
    expect(Object.keys(libs)).toContain('/lib.es2022.d.ts');
    expect(docker('inspect', '--format', '{{.Config.User}}', NAME)).toBe('10001:10001');
    await eventually(
      'the health check to pass',
      async () =>
        docker('inspect', '--format', '{{.State.Health.Status}}', NAME) === 'healthy' ? true : undefined,
      90_000,
    );
  }, 240_000);
});
