import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/** The sandbox's programs and the Debian package each comes from. */
const TOOLS = [
  { program: 'bwrap', pkg: 'bubblewrap', needed: 'to sandbox scripts' },
  { program: 'slirp4netns', pkg: 'slirp4netns', needed: "for scripts with network 'egress'" },
] as const;

export interface SandboxToolsReport {
  /** Without these the executor cannot run at all: start stops with this line. */
  fatal?: string;
  /** Without these some scripts cannot run: start goes on after saying so. */
  warnings: string[];
}

/** Which sandbox programs are missing and what to install; `found` says which are on PATH. */
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
