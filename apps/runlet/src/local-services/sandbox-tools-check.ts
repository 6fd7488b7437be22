import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

const EGRESS = "for scripts with network 'egress'";

/** The sandbox's programs and the Debian package each comes from. */
const TOOLS = [
  { program: 'bwrap', pkg: 'bubblewrap', needed: 'to sandbox scripts' },
  { program: 'slirp4netns', pkg: 'slirp4netns', needed: EGRESS },
  { program: 'unshare', pkg: 'util-linux', needed: EGRESS },
  { program: 'nsenter', pkg: 'util-linux', needed: EGRESS },
  { program: 'ip', pkg: 'iproute2', needed: EGRESS },
] as const;

/** Where the process runtime finds `ip` besides PATH (a non-root user's PATH often lacks them). */
export const IP_DIRS = ['/usr/sbin', '/sbin'];

export interface SandboxToolsReport {
  /** Without these the executor cannot run at all: start stops with this line. */
  fatal?: string;
  /** Without these some scripts cannot run: start goes on after saying so. */
  warnings: string[];
}

/** Which sandbox programs are missing and what to install; `found` says which are on PATH (`ip`: or in IP_DIRS). */
export function sandboxToolsReport(found: (program: string) => boolean): SandboxToolsReport {
  const missing = TOOLS.filter((tool) => !found(tool.program));
  const line = (tool: (typeof TOOLS)[number]) =>
    `${tool.program} is not on PATH (needed ${tool.needed}): install the Debian package "${tool.pkg}" (apt-get install ${tool.pkg})`;
  const bwrap = missing.find((tool) => tool.program === 'bwrap');
  return {
    fatal: bwrap && line(bwrap),
    warnings: missing.filter((tool) => tool !== bwrap).map(line),
  };
}

/** The full path of `program` on PATH, if it is there and executable. */
export function findOnPath(program: string, path = process.env.PATH ?? ''): string | undefined {
  for (const dir of path.split(delimiter).filter(Boolean)) {
    const candidate = join(dir, program);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}
