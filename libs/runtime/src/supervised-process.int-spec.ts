import { existsSync } from 'node:fs';
import { runToEnd, SupervisedProcess } from './supervised-process';

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((r) => setTimeout(r, 10));
}

describe('SupervisedProcess: every way a helper process fails is reported, none thrown', () => {
  it('a missing program: ended settles and the failure names the spawn error', async () => {
    const proc = new SupervisedProcess('helper', '/nonexistent/helper', [], { stdio: 'pipe' });
    proc.send(0, 'input', true); // no pipe behind it: must not throw, now or later
    await proc.ended;
    expect(proc.running).toBe(false);
    expect(proc.failure().message).toBe('helper could not be started (spawn /nonexistent/helper ENOENT)');
    await expect(proc.failed).rejects.toThrow('helper could not be started');
  });

  it('an early exit: the failure carries its exit code and stderr', async () => {
    const proc = new SupervisedProcess(
      'helper',
      '/bin/sh',
      ['-c', 'echo "helper: no such namespace" >&2; exit 3'],
      {
        stdio: 'pipe',
      },
    );
    await proc.ended;
    expect(proc.failure().message).toBe('helper exited with code 3: helper: no such namespace');
  });

  it('writing to a stdin it has closed: EPIPE is recorded, not thrown', async () => {
    const proc = new SupervisedProcess('helper', '/bin/sh', ['-c', 'exec 0<&-; sleep 0.5'], {
      stdio: 'pipe',
    });
    await until(() => !existsSync(`/proc/${proc.pid}/fd/0`));
    proc.send(0, 'x'.repeat(1024 * 1024), true); // more than a pipe holds: the write must hit the closed end
    await proc.ended;
    expect(proc.pipeFailed).toBe(true);
    expect(proc.failure().message).toMatch(
      /^helper exited with code 0 \(pipe errors: fd 0: (EPIPE|closed)\)$/,
    );
  });

  it('runToEnd resolves when the command read its input and exited 0, and rejects otherwise', async () => {
    await expect(runToEnd('cat', '/bin/sh', ['-c', 'cat > /dev/null'], 'routes\n')).resolves.toBeUndefined();
    await expect(
      runToEnd('ip', '/bin/sh', ['-c', 'echo "bad route" >&2; exit 1'], 'routes\n'),
    ).rejects.toThrow('ip exited with code 1: bad route');
    await expect(runToEnd('ip', '/nonexistent/ip', [], 'routes\n')).rejects.toThrow(
      'ip could not be started (spawn /nonexistent/ip ENOENT)',
    );
  });
});
