import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** A package that would need its install script run to work (npm's own notion: pre/post/install, binding.gyp). */
export interface InstallScriptPackage {
  name: string;
  version: string;
  /** Path below the install dir, e.g. `node_modules/bufferutil`. */
  path: string;
  /** What would run, e.g. `install: node-gyp-build`. */
  scripts: string[];
}

/** What a finished install contains that the build must treat specially. */
export interface InstallInspection {
  installScripts: InstallScriptPackage[];
  /** Packages with a compiled addon (`.node`, `binding.gyp`, `gypfile`): never bundled. */
  natives: string[];
}

const INSTALL_SCRIPTS = ['preinstall', 'install', 'postinstall'] as const;
/** Reading package dirs at once; enough to hide latency, few enough to stay polite. */
export const PARALLEL = 16;

/**
 * Looks at every package the lockfile lists and the install actually contains (optional packages
 * for other platforms are absent and skipped). Done once per store entry, when it is installed.
 */
export async function inspectInstall(installDir: string, lockfile: string): Promise<InstallInspection> {
  const lock = JSON.parse(lockfile) as { packages?: Record<string, { version?: string; link?: boolean }> };
  const paths = Object.entries(lock.packages ?? {})
    .filter(([path, meta]) => path.startsWith('node_modules/') && !meta.link)
    .map(([path]) => path)
    .sort();
  const installScripts: InstallScriptPackage[] = [];
  const natives = new Set<string>();
  await forEachLimited(paths, PARALLEL, async (path) => {
    const dir = join(installDir, path);
    const manifest = await readManifest(dir);
    if (!manifest) return; // not installed here
    const name = manifest.name ?? path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length);
    const hasGyp = await exists(join(dir, 'binding.gyp'));
    const scripts = INSTALL_SCRIPTS.filter((s) => typeof manifest.scripts?.[s] === 'string').map(
      (s) => `${s}: ${manifest.scripts![s]}`,
    );
    // npm runs `node-gyp rebuild` for a binding.gyp unless the package has its own install step.
    if (hasGyp && manifest.gypfile !== false && !manifest.scripts?.install && !manifest.scripts?.preinstall)
      scripts.push('install: node-gyp rebuild (binding.gyp)');
    if (scripts.length) installScripts.push({ name, version: manifest.version ?? '', path, scripts });
    if (hasGyp || manifest.gypfile === true || (await containsAddon(dir))) natives.add(name);
  });
  installScripts.sort((a, b) => (a.path < b.path ? -1 : 1));
  return { installScripts, natives: [...natives].sort() };
}

interface Manifest {
  name?: string;
  version?: string;
  gypfile?: boolean;
  scripts?: Record<string, string>;
}

async function readManifest(dir: string): Promise<Manifest | null> {
  try {
    return JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as Manifest;
  } catch {
    return null;
  }
}

/** A `.node` file anywhere in the package, not counting its own nested node_modules. */
async function containsAddon(dir: string): Promise<boolean> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return false;
  }
  for (const entry of entries) {
    if (entry.isFile() && entry.name.endsWith('.node')) return true;
  }
  for (const entry of entries) {
    if (entry.isDirectory() && entry.name !== 'node_modules' && (await containsAddon(join(dir, entry.name))))
      return true;
  }
  return false;
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/** Runs `task` over `items`, at most `limit` at once. */
export async function forEachLimited<T>(
  items: T[],
  limit: number,
  task: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await task(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
