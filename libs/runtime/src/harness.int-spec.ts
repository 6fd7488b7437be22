import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { harnessPath } from './harness-path';
import { TestArtifacts } from './test-artifacts';

// The harness imports the script only once the platform says `start`: node boots while the
// sandbox's network is being set up, and nothing of the script runs before that is done.
describe('the in-sandbox harness (a real node process)', () => {
  const artifacts = new TestArtifacts();
  afterAll(() => artifacts.remove());

  it('imports the script only after `start`, then reports ready and serves a run', async () => {
    const marker = join(artifacts.root, 'imported');
    const dir = artifacts.create(`
      import { writeFileSync } from 'node:fs';
      writeFileSync(${JSON.stringify(marker)}, 'yes');
      export default () => 'ran';`);
    const child = spawn(process.execPath, [harnessPath(), join(dir, 'main.mjs')], {
      stdio: ['ignore', 'ignore', 'ignore', 'pipe'],
    });
    const channel = child.stdio[3] as Readable & Writable;
    const messages: any[] = [];
    let buffer = '';
    channel.setEncoding('utf8');
    channel.on('data', (chunk: string) => {
      buffer += chunk;
      for (let i; (i = buffer.indexOf('\n')) >= 0; buffer = buffer.slice(i + 1))
        messages.push(JSON.parse(buffer.slice(0, i)));
    });
    const until = async (test: () => boolean) => {
      for (let i = 0; i < 200 && !test(); i++) await new Promise((r) => setTimeout(r, 25));
    };
    try {
      await new Promise((r) => setTimeout(r, 1500)); // node is up long before this
      expect(existsSync(marker)).toBe(false);
      expect(messages).toEqual([]);

      channel.write(JSON.stringify({ t: 'start' }) + '\n');
      await until(() => messages.some((m) => m.t === 'ready'));
      expect(existsSync(marker)).toBe(true);
      channel.write(JSON.stringify({ t: 'run', id: 'r1', event: {}, ctx: {} }) + '\n');
      await until(() => messages.some((m) => m.t === 'result'));
      expect(messages.find((m) => m.t === 'result')).toMatchObject({ id: 'r1', ok: true, value: 'ran' });
    } finally {
      child.kill('SIGKILL');
    }
  });
});
