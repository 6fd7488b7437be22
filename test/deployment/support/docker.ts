import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

export const ROOT = join(__dirname, '..', '..', '..');

/** `docker …`, its output as text; throws with docker's stderr on failure. */
export function docker(...args: string[]): string {
  return execFileSync('docker', args, { encoding: 'utf8', cwd: ROOT, maxBuffer: 64 << 20 }).trim();
}

function hasImage(tag: string): boolean {
  try {
    docker('image', 'inspect', tag);
    return true;
  } catch {
    return false;
  }
}

/** The programs the process runtime needs in the platform image's base (as the README builds it). */
const SANDBOX_PROGRAMS = ['bwrap', 'slirp4netns', 'nsenter', 'unshare', 'ip', 'bash', 'ldd'];

/** Whether the image has every program (an image built before one was added lacks it). */
function hasPrograms(tag: string, programs: string[]): boolean {
  const check = `for p in ${programs.join(' ')}; do PATH=$PATH:/usr/sbin:/sbin command -v $p >/dev/null || exit 1; done`;
  try {
    docker('run', '--rm', '--entrypoint', '/bin/sh', tag, '-c', check);
    return true;
  } catch {
    return false;
  }
}

/** The locally built base images the Dockerfiles default to (`npm run images:base`), built when missing. */
export function ensureBaseImages(): void {
  if (!hasImage('runlet/node-base:20'))
    execFileSync('npm', ['run', 'images:base'], { cwd: ROOT, stdio: 'inherit' });
  if (!hasImage('runlet/node-sandbox:20') || !hasPrograms('runlet/node-sandbox:20', SANDBOX_PROGRAMS))
    execFileSync(
      'npm',
      ['run', 'images:base', '--', '--tag', 'runlet/node-sandbox:20', '--add', SANDBOX_PROGRAMS.join(',')],
      { cwd: ROOT, stdio: 'inherit' },
    );
}

/** Polls `check` every 500 ms until it returns a value or `timeoutMs` passes. */
export async function eventually<T>(
  what: string,
  check: () => Promise<T | undefined>,
  timeoutMs: number,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline)
      throw new Error(`${what} did not happen in ${timeoutMs} ms${last ? `: ${last}` : ''}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

type Api = (method: string, path: string, body?: unknown) => Promise<{ status: number; body: any }>;

/** Creates a script through the platform's API and waits for its first build; resolves to its id. */
export async function createBuiltScript(
  api: Api,
  script: { name: string; network: string; code: string },
): Promise<string> {
  const created = await api('POST', '/api/v1/scripts', script);
  expect(created.status).toBe(201);
  const built = await eventually(
    'the build',
    async () => {
      const { body } = await api('GET', `/api/v1/scripts/${created.body.id}`);
      return body.build?.status === 'failed' || body.deployedVersion === 1 ? body : undefined;
    },
    240_000,
  );
  expect(built.build).toMatchObject({ status: 'succeeded' });
  return created.body.id;
}
