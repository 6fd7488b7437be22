import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BuildError } from './build-error';
import { ProcessStartError, runProcess } from './child-process';
import { NpmRunner } from './npm-runner';

describe('runProcess', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'runlet-child-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const opts = (over = {}) => ({ cwd: dir, env: {}, timeoutMs: 30_000, ...over });

  it('rejects with ProcessStartError for a program that does not exist', async () => {
    const err = await runProcess(join(dir, 'no-such-program'), [], opts()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProcessStartError);
    expect((err as Error).message).toMatch(/ENOENT/);
  });

  it('collects stdout and stderr lines and the exit code', async () => {
    const lines: string[] = [];
    const res = await runProcess(
      process.execPath,
      ['-e', 'process.stdout.write("a\\nb"); console.error("c"); process.exit(3)'],
      opts({ onLine: (l: string) => lines.push(l) }),
    );
    expect(res).toMatchObject({ exit: 3, timedOut: false });
    expect([...res.output].sort()).toEqual(['a', 'b', 'c']);
    expect([...lines].sort()).toEqual(['a', 'b', 'c']);
  });

  it('kills the whole process group on timeout, grandchildren included', async () => {
    const marker = join(dir, 'grandchild-survived');
    const grandchild = `setTimeout(() => require('fs').writeFileSync(${JSON.stringify(marker)}, '1'), 1500)`;
    const res = await runProcess(
      process.execPath,
      [
        '-e',
        `require('child_process').spawn(process.execPath, ['-e', ${JSON.stringify(grandchild)}], { stdio: 'ignore' }); setInterval(() => {}, 1000);`,
      ],
      opts({ timeoutMs: 300 }),
    );
    expect(res).toMatchObject({ timedOut: true, exit: 'SIGKILL' });
    await new Promise((r) => setTimeout(r, 2000));
    expect(existsSync(marker)).toBe(false);
  });

  it('a log sink that throws does not break the run', async () => {
    const res = await runProcess(process.execPath, ['-e', 'console.log("x")'], {
      ...opts(),
      onLine: () => {
        throw new Error('sink broke');
      },
    });
    expect(res).toMatchObject({ exit: 0, output: ['x'] });
  });
});

describe('NpmRunner failures', () => {
  it('names an npm that cannot be started', async () => {
    const npm = new NpmRunner({ npmPath: '/nonexistent/npm' });
    const err = await npm.run(['install'], tmpdir(), () => undefined).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BuildError);
    expect((err as BuildError).reason).toMatch(/^could not start npm \(\/nonexistent\/npm\): .*ENOENT/);
  });

  it('names a timeout', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'runlet-hang-'));
    try {
      const hang = join(dir, 'hanging-npm.js');
      writeFileSync(hang, '#!/usr/bin/env node\nsetInterval(() => {}, 1000);\n', { mode: 0o755 });
      const err = await new NpmRunner({ npmPath: hang, timeoutMs: 200 })
        .run(['install'], dir, () => undefined)
        .catch((e: unknown) => e);
      expect((err as BuildError).reason).toBe('npm install timed out');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
