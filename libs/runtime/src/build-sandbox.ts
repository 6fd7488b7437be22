import { existsSync, lstatSync, readlinkSync, statSync } from 'node:fs';
import { isAbsolute, relative } from 'node:path';

/** Where the install being built appears inside the build sandbox. */
export const BUILD_SANDBOX_WORK_DIR = '/build';

/** The operating system's programs and libraries (compilers, python, sh) that install scripts use. */
const SYSTEM_DIRS = ['/usr', '/bin', '/sbin', '/lib', '/lib32', '/lib64', '/libx32'];
/** Just enough of /etc for DNS, TLS and the toolchain's alternatives; nothing of the platform. */
const SYSTEM_ETC = [
  '/etc/resolv.conf',
  '/etc/hosts',
  '/etc/nsswitch.conf',
  '/etc/ssl',
  '/etc/pki',
  '/etc/ca-certificates',
  '/etc/alternatives',
  '/etc/ld.so.cache',
];
const NOBODY = 65534;

export interface BuildSandboxPlan {
  /** Host dir bound read-write at BUILD_SANDBOX_WORK_DIR (the install whose scripts run); the working dir. */
  workDir: string;
  /** Host files or dirs bound read-only at the same path (node, npm) unless a system dir already shows them. */
  readOnly: string[];
  /** Host dirs that must stay invisible even where a system dir mount would show them (the platform's code, data, home). */
  hidden: string[];
  /** Command and arguments as seen inside. */
  command: string[];
  /** The whole environment of the command: nothing is inherited. */
  env: Record<string, string>;
}

/**
 * bwrap arguments for running a package's install script: every namespace unshared except the
 * network (scripts fetch prebuilt binaries and node headers); the system's programs read-only; the
 * install read-write; a private /tmp as HOME; an environment built from scratch; no platform files.
 */
export function buildSandboxArgs(plan: BuildSandboxPlan): string[] {
  const args = ['--unshare-all', '--share-net', '--die-with-parent', '--new-session'];
  args.push('--uid', `${NOBODY}`, '--gid', `${NOBODY}`, '--hostname', 'runlet-build', '--clearenv');
  for (const [key, value] of Object.entries(plan.env)) args.push('--setenv', key, value);
  const mounted: string[] = [];
  for (const dir of SYSTEM_DIRS) {
    const kind = pathKind(dir);
    if (kind === 'symlink') args.push('--symlink', readlinkSync(dir), dir);
    else if (kind === 'dir') {
      args.push('--ro-bind', dir, dir);
      mounted.push(dir);
    }
  }
  for (const path of SYSTEM_ETC) if (existsSync(path)) args.push('--ro-bind', path, path);
  // The private /tmp goes under the binds below, so node or npm living under the host's /tmp stay visible.
  args.push('--proc', '/proc', '--dev', '/dev', '--tmpfs', '/tmp');
  for (const path of plan.readOnly) {
    if (mounted.some((m) => isInside(path, m))) continue;
    args.push('--ro-bind', path, path);
    mounted.push(path);
  }
  for (const dir of plan.hidden) {
    if (mounted.some((m) => isInside(dir, m)) && pathKind(dir) === 'dir') args.push('--tmpfs', dir);
  }
  args.push('--bind', plan.workDir, BUILD_SANDBOX_WORK_DIR);
  args.push('--chdir', BUILD_SANDBOX_WORK_DIR);
  args.push('--ro-bind', '/dev/null', '/proc/1/environ');
  args.push('--', ...plan.command);
  return args;
}

function pathKind(path: string): 'symlink' | 'dir' | 'file' | 'none' {
  try {
    if (lstatSync(path).isSymbolicLink()) return 'symlink';
    return statSync(path).isDirectory() ? 'dir' : 'file';
  } catch {
    return 'none';
  }
}

function isInside(path: string, dir: string): boolean {
  const rel = relative(dir, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}
