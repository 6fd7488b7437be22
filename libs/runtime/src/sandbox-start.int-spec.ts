import { chmodSync, existsSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProcessRuntime } from './process-runtime';
import { request } from './test-requests';
import { TestArtifacts } from './test-artifacts';

/**
 * Stand-ins for bwrap, slirp4netns, nsenter and unshare: each counts its calls and, depending on its mode
 * file, fails the way a real one can, or runs the real program.
 */
const failures: Record<string, Record<string, string>> = {
  bwrap: {
    exit: 'echo "bwrap: simulated set-up failure" >&2; exit 1',
    'exit-once': 'echo ok > "$dir/bwrap.mode"; echo "bwrap: simulated set-up failure" >&2; exit 1',
    // Closes its --block-fd (5) and channel (3) before reporting a pid: every write to them fails.
    'closed-pipe': 'exec 3>&- 5<&-; printf \'{"child-pid": %s}\' $$ >&4; sleep 1; exit 1',
  },
  slirp4netns: { exit: 'echo "slirp4netns: simulated failure" >&2; exit 7' },
  nsenter: { exit: 'exec 0<&-; echo "nsenter: simulated failure" >&2; exit 3' },
  unshare: { exit: 'echo "unshare: simulated failure" >&2; exit 1' },
};

class StandIns {
  readonly dir = mkdtempSync(join(tmpdir(), 'runlet-stand-ins-'));
  readonly paths: Record<string, string> = {};

  constructor() {
    for (const [name, modes] of Object.entries(failures)) {
      const cases = Object.entries(modes)
        .map(([mode, body]) => `  ${mode}) ${body} ;;`)
        .join('\n');
      const script = `#!/bin/sh
dir=$(dirname "$0")
echo x >> "$dir/${name}.calls"
case "$(cat "$dir/${name}.mode" 2>/dev/null)" in
${cases}
esac
exec ${name} "$@"
`;
      this.paths[name] = join(this.dir, name);
      writeFileSync(this.paths[name], script);
      chmodSync(this.paths[name], 0o755);
    }
  }

  mode(name: string, mode: string): void {
    writeFileSync(join(this.dir, `${name}.mode`), mode);
    rmSync(join(this.dir, `${name}.calls`), { force: true });
  }

  calls(name: string): number {
    const file = join(this.dir, `${name}.calls`);
    return existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean).length : 0;
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((r) => setTimeout(r, 20));
}

describe('ProcessRuntime: a sandbox that fails to start fails one execution, never the process', () => {
  const artifacts = new TestArtifacts();
  const standIns = new StandIns();
  // The real programs, found on PATH by the stand-ins (which are not on PATH themselves).
  const runtime = new ProcessRuntime({ poolSize: 0, commands: standIns.paths });
  const dir = artifacts.create(`export default async () => 'served'`);
  afterAll(async () => {
    await runtime.close(); // also shows no failed instance is left behind: close waits for them all
    artifacts.remove();
    standIns.remove();
  });
  afterEach(() => {
    for (const name of Object.keys(failures)) standIns.mode(name, 'ok');
  });

  const expectServed = async (network: 'none' | 'egress') => {
    const next = await runtime.run(request(dir, { network }));
    expect(next).toMatchObject({ status: 'succeeded', result: 'served' });
  };

  it.each([
    [
      'bwrap',
      'none',
      /^The sandbox could not start: bwrap exited with code 1: bwrap: simulated set-up failure$/,
    ],
    [
      'slirp4netns',
      'egress',
      /^The sandbox could not start: slirp4netns exited with code 7: slirp4netns: simulated failure$/,
    ],
    [
      'nsenter',
      'egress',
      /^The sandbox could not start: nsenter exited with code 3: nsenter: simulated failure/,
    ],
    [
      'unshare',
      'egress',
      /^The sandbox could not start: bwrap \(under unshare\) exited with code 1: unshare: simulated failure$/,
    ],
  ] as const)(
    '%s exiting early: the run fails with its error after one retry; the next run is served',
    async (name, network, message) => {
      standIns.mode(name, 'exit');
      const req = request(dir, { network });
      const outcome = await runtime.run(req);
      expect(outcome.status).toBe('failed');
      expect(outcome.error?.message).toMatch(message);
      expect(req.logs.map((line) => [line.stream, line.message])).toEqual([
        ['system', `[runlet] ${outcome.error?.message}`],
      ]);
      expect(standIns.calls(name)).toBe(2);
      standIns.mode(name, 'ok');
      await expectServed(network);
    },
  );

  it('a start that fails once is retried and the run succeeds', async () => {
    standIns.mode('bwrap', 'exit-once');
    await expectServed('none');
    expect(standIns.calls('bwrap')).toBe(2);
  });

  it('a sandbox that closed its pipes: writes to them fail (EPIPE), the run fails saying so', async () => {
    standIns.mode('bwrap', 'closed-pipe');
    const outcome = await runtime.run(request(dir));
    expect(outcome.status).toBe('failed');
    expect(outcome.error?.message).toMatch(
      /^The sandbox could not start: bwrap exited with code 1 \(pipe errors: fd 3: (EPIPE|closed), fd 5: (EPIPE|closed)\)$/,
    );
    standIns.mode('bwrap', 'ok');
    await expectServed('none');
  });

  it.each([
    ['bwrap', 'none', 'bwrap'],
    ['slirp4netns', 'egress', 'slirp4netns'],
    ['nsenter', 'egress', 'nsenter'],
    ['unshare', 'egress', 'bwrap (under unshare)'],
  ] as const)(
    '%s missing: the run fails with spawn ENOENT; once it is back, runs are served',
    async (name, network, shownAs) => {
      const path = standIns.paths[name];
      renameSync(path, `${path}.away`);
      try {
        const outcome = await runtime.run(request(dir, { network }));
        expect(outcome.status).toBe('failed');
        expect(outcome.error?.message).toBe(
          `The sandbox could not start: ${shownAs} could not be started (spawn ${path} ENOENT)`,
        );
      } finally {
        renameSync(`${path}.away`, path);
      }
      await expectServed(network);
    },
  );

  it('the warm pool drops an instance whose start failed, without retrying in a loop', async () => {
    const pooled = new ProcessRuntime({ poolSize: 1, commands: standIns.paths });
    try {
      standIns.mode('bwrap', 'exit');
      pooled.prewarm(dir, 'script-1', 1);
      expect(pooled.warmCount('script-1', 1)).toBe(1);
      await until(() => pooled.warmCount('script-1', 1) === 0);
      await new Promise((r) => setTimeout(r, 300)); // room for a (wrong) restart loop to show
      expect(standIns.calls('bwrap')).toBe(1);
      standIns.mode('bwrap', 'ok');
      const outcome = await pooled.run(request(dir));
      expect(outcome).toMatchObject({ status: 'succeeded', result: 'served' });
      await until(() => pooled.warmCount('script-1', 1) === 1); // refilled after the run
    } finally {
      await pooled.close();
    }
  });
});
