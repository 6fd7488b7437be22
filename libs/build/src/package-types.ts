import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * The type declarations a build installed, for the console's editor: virtual paths
 * (`node_modules/<pkg>/…`) → contents. Only what the install already contains: nothing is
 * downloaded for the editor (a package without types gets them from `@types/<name>` only when
 * the script lists it in its dependencies).
 */
export interface PackageTypes {
  files: Record<string, string>;
  /** Bytes of `files` (UTF-8). */
  bytes: number;
  /** Packages with declarations that were left out, and why. */
  omitted: { name: string; reason: string }[];
}

/** Per build (per lockfile): enough for a few typed packages, small enough for one response. */
export const PACKAGE_TYPES_MAX_BYTES = 4 * 1024 * 1024;

const DECLARATION = /\.d\.(c|m)?ts$/;
/** The package.json fields TypeScript's module resolution reads. */
const RESOLUTION_FIELDS = [
  'name',
  'version',
  'type',
  'main',
  'module',
  'types',
  'typings',
  'typesVersions',
  'exports',
];

interface Candidate {
  /** Lockfile path, e.g. `node_modules/dayjs`. */
  path: string;
  name: string;
  rank: number;
}

/**
 * Walks the installed packages the lockfile lists (direct dependencies and their `@types/*` first,
 * then other `@types/*`, then the rest) and keeps each package's `.d.ts` files and its resolution
 * fields of package.json. A package is kept whole or not at all, so a partial one never produces
 * misleading errors; what does not fit in `maxBytes` is listed in `omitted` (and is `any` in the editor).
 */
export async function collectPackageTypes(
  installDir: string,
  lockfile: string,
  direct: string[],
  maxBytes = PACKAGE_TYPES_MAX_BYTES,
): Promise<PackageTypes> {
  const out: PackageTypes = { files: {}, bytes: 0, omitted: [] };
  for (const candidate of candidates(lockfile, direct)) {
    const dir = join(installDir, candidate.path);
    const manifest = await readManifest(dir);
    if (!manifest) continue; // not installed here (an optional package of another platform)
    const declarations = await findDeclarations(dir);
    if (declarations.length === 0) continue;
    const pkgJson = JSON.stringify(pick(manifest, RESOLUTION_FIELDS));
    const size = Buffer.byteLength(pkgJson) + declarations.reduce((n, d) => n + d.size, 0);
    if (out.bytes + size > maxBytes) {
      out.omitted.push({
        name: candidate.name,
        reason: `its declarations (${size} bytes) exceed what is left of the ${maxBytes}-byte limit`,
      });
      continue;
    }
    out.files[`${candidate.path}/package.json`] = pkgJson;
    for (const d of declarations)
      out.files[`${candidate.path}/${d.rel}`] = await readFile(join(dir, d.rel), 'utf8');
    out.bytes += size;
  }
  return out;
}

function candidates(lockfile: string, direct: string[]): Candidate[] {
  const lock = JSON.parse(lockfile) as { packages?: Record<string, { link?: boolean }> };
  const first = new Set(direct.flatMap((name) => [name, typesPackageFor(name)]));
  return Object.entries(lock.packages ?? {})
    .filter(([path, meta]) => path.startsWith('node_modules/') && !meta.link)
    .map(([path]) => {
      const name = path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length);
      const topLevel = path === `node_modules/${name}`;
      const rank =
        topLevel && first.has(name) ? 0 : topLevel && name.startsWith('@types/') ? 1 : topLevel ? 2 : 3;
      return { path, name, rank };
    })
    .sort((a, b) => a.rank - b.rank || (a.path < b.path ? -1 : 1));
}

/** DefinitelyTyped's name for a package: `lodash` → `@types/lodash`, `@org/pkg` → `@types/org__pkg`. */
export function typesPackageFor(name: string): string {
  return `@types/${name.startsWith('@') ? name.slice(1).replace('/', '__') : name}`;
}

/** Declaration files below `dir` (relative paths), not counting its nested node_modules. */
async function findDeclarations(dir: string, rel = ''): Promise<{ rel: string; size: number }[]> {
  let entries;
  try {
    entries = await readdir(join(dir, rel), { withFileTypes: true });
  } catch {
    return [];
  }
  const found: { rel: string; size: number }[] = [];
  for (const entry of entries) {
    const path = rel ? `${rel}/${entry.name}` : entry.name;
    if (entry.isDirectory() && entry.name !== 'node_modules')
      found.push(...(await findDeclarations(dir, path)));
    else if (entry.isFile() && DECLARATION.test(entry.name))
      found.push({ rel: path, size: (await stat(join(dir, path))).size });
  }
  return found;
}

async function readManifest(dir: string): Promise<Record<string, unknown> | null> {
  try {
    return JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as Record<string, unknown>;
  } catch {
    return null;
  }
}

function pick(record: Record<string, unknown>, keys: string[]): Record<string, unknown> {
  return Object.fromEntries(keys.filter((k) => record[k] !== undefined).map((k) => [k, record[k]]));
}
