import type { Mount } from './node-mounts';

/** Where things live inside the sandbox. */
export const SANDBOX = {
  node: '/usr/bin/node',
  harness: '/runlet/harness.mjs',
  appDir: '/app/src',
  nodeModules: '/app/node_modules',
} as const;

/** uid/gid "nobody": the script never runs as root, even inside its own user namespace. */
const NOBODY = 65534;

export interface BwrapPlan {
  nodeMounts: Mount[];
  harnessPath: string;
  artifactDir: string;
  entry: string;
  nodeModulesDir: string | null;
  /** Host directory with the generated resolv.conf / hosts / nsswitch.conf. */
  etcDir: string;
  memoryMb: number;
  /** Fds (in bwrap's numbering) for bwrap's --info-fd and --block-fd. */
  infoFd: number;
  blockFd: number;
  timeZone?: string;
  /** Keep the network namespace bwrap is started in (egress: one made for it, see egressLauncher). */
  shareNet?: boolean;
}

/**
 * Arguments for bwrap: an empty root with only node, its libraries, the harness and the artifact
 * (all read-only), a private /tmp, a fresh /proc and a minimal /dev; every namespace unshared —
 * the network too, unless bwrap is started in a network namespace made for the sandbox (`egress`,
 * see egress-network.ts), never by sharing the host's network; an environment built from scratch.
 */
export function buildBwrapArgs(plan: BwrapPlan): string[] {
  const args = [
    '--unshare-all',
    ...(plan.shareNet ? ['--share-net'] : []),
    '--die-with-parent',
    '--new-session',
    '--uid',
    `${NOBODY}`,
    '--gid',
    `${NOBODY}`,
  ];
  args.push('--hostname', 'runlet', '--clearenv');
  args.push(
    '--setenv',
    'NODE_ENV',
    'production',
    '--setenv',
    'HOME',
    '/tmp',
    '--setenv',
    'TZ',
    plan.timeZone ?? 'UTC',
  );
  args.push('--setenv', 'PATH', '/usr/bin');
  for (const mount of plan.nodeMounts) args.push('--ro-bind', mount.src, mount.dest);
  args.push('--ro-bind', plan.harnessPath, SANDBOX.harness);
  args.push('--ro-bind', plan.artifactDir, SANDBOX.appDir);
  if (plan.nodeModulesDir) args.push('--ro-bind', plan.nodeModulesDir, SANDBOX.nodeModules);
  for (const file of ['resolv.conf', 'hosts', 'nsswitch.conf'])
    args.push('--ro-bind', `${plan.etcDir}/${file}`, `/etc/${file}`);
  args.push('--proc', '/proc', '--dev', '/dev', '--tmpfs', '/tmp', '--chdir', '/tmp');
  // PID 1 is bwrap's own init, which still carries the environment bwrap was started with.
  args.push('--ro-bind', '/dev/null', '/proc/1/environ');
  args.push('--remount-ro', '/'); // the root tmpfs bwrap builds stays writable otherwise
  args.push('--info-fd', `${plan.infoFd}`, '--block-fd', `${plan.blockFd}`);
  args.push(
    '--',
    SANDBOX.node,
    ...nodeArgs(plan.memoryMb),
    SANDBOX.harness,
    `${SANDBOX.appDir}/${plan.entry}`,
  );
  return args;
}

/** Node flags: source-mapped stacks and a V8 heap cap at the memory limit. */
export function nodeArgs(memoryMb: number): string[] {
  return ['--enable-source-maps', `--max-old-space-size=${Math.max(16, Math.floor(memoryMb))}`];
}
