import { spawnSync } from 'node:child_process';
import { nodeMounts } from './node-mounts';
import { SupervisedProcess } from './supervised-process';

/** A trivial sandboxed run with the same namespaces and mounts as a real one. */
function probeArgs(nodePath: string): string[] {
  const args = [
    '--unshare-all',
    '--die-with-parent',
    '--new-session',
    '--uid',
    '65534',
    '--gid',
    '65534',
    '--clearenv',
  ];
  for (const mount of nodeMounts(nodePath)) args.push('--ro-bind', mount.src, mount.dest);
  args.push('--proc', '/proc', '--dev', '/dev', '--tmpfs', '/tmp', '--', '/usr/bin/node', '-e', '0');
  return args;
}

function explain(error: string | undefined, status: number | null, stderr: string): string | undefined {
  if (error && /ENOENT/.test(error)) {
    return 'bubblewrap (bwrap) is not installed or not on PATH; install the "bubblewrap" package.';
  }
  if (error) return `bubblewrap (bwrap) could not be started: ${error}`;
  if (status === 0) return undefined;
  return (
    `bubblewrap (bwrap) cannot create a sandbox here (exit ${status}: ${stderr.trim() || 'no output'}). ` +
    'It needs user/PID/network namespaces: run as root or with unprivileged user namespaces enabled ' +
    '(sysctl user.max_user_namespaces > 0, kernel.unprivileged_userns_clone = 1, no AppArmor restriction), ' +
    'and inside a container allow namespace creation (e.g. --privileged or a seccomp profile permitting unshare/clone).'
  );
}

const PREFIX = 'The process runtime cannot sandbox scripts: ';

/** Throws a clear Error when bwrap cannot run a sandbox on this machine. */
export async function checkSandboxAvailable(nodePath = process.execPath, bwrap = 'bwrap'): Promise<void> {
  const probe = new SupervisedProcess('bwrap', bwrap, probeArgs(nodePath), {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  await probe.ended;
  const problem = probe.startError
    ? explain(probe.startError.message, null, '')
    : explain(undefined, probe.exitCode, probe.stderr);
  if (problem) throw new Error(PREFIX + problem);
}

const syncCache = new Map<string, string | undefined>();

/** Synchronous variant for constructors; the answer is cached per bwrap and node binary. */
export function sandboxProblemSync(nodePath = process.execPath, bwrap = 'bwrap'): string | undefined {
  const key = `${bwrap}\u0000${nodePath}`;
  if (!syncCache.has(key)) {
    let problem: string | undefined;
    try {
      const result = spawnSync(bwrap, probeArgs(nodePath), { encoding: 'utf8', timeout: 10000 });
      problem = explain(result.error?.message, result.status, result.stderr ?? '');
    } catch (err) {
      problem = explain((err as Error).message, null, '');
    }
    syncCache.set(key, problem && PREFIX + problem);
  }
  return syncCache.get(key);
}
