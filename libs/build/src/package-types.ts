import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { forEachLimited, PARALLEL } from './install-inspection';

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
  const ranked = candidates(lockfile, direct);
  const out: PackageTypes = { files: {}, bytes: 0, omitted: [] };
  const kept: { path: string; found: Found }[] = [];
  // In rank order, a few packages at a time: each walk stops once its package cannot fit in what
  // is left, so a large install with a spent budget costs little more than its package.json reads.
  for (let from = 0; from < ranked.length; from += PARALLEL) {
    const chunk = ranked.slice(from, from + PARALLEL);
    const left = maxBytes - out.bytes;
    const found = await Promise.all(chunk.map((c) => inspect(join(installDir, c.path), left)));
    chunk.forEach((candidate, i) => {
      const f = found[i];
      if (!f) return;
      if (f.tooLarge || out.bytes + f.size > maxBytes) {
        const size = f.tooLarge ? `more than ${f.size}` : String(f.size);
        out.omitted.push({
          name: candidate.name,
          reason: `its declarations (${size} bytes) exceed what is left of the ${maxBytes}-byte limit`,
        });
        return;
      }
      out.bytes += f.size;
      kept.push({ path: candidate.path, found: f });
    });
  }
  const reads = kept.flatMap(({ path, found: f }) => {
    out.files[`${path}/package.json`] = f.packageJson;
    return f.declarations.map((d) => ({ file: `${path}/${d.rel}`, abs: join(installDir, path, d.rel) }));
  });
  await forEachLimited(reads, PARALLEL, async ({ file, abs }) => {
    out.files[file] = await readFile(abs, 'utf8');
  });
  out.files = Object.fromEntries(Object.entries(out.files).sort(([a], [b]) => (a < b ? -1 : 1)));
  return out;
}

interface Found {
  /** The walk stopped at `size` bytes, more than the budget it was given. */
  tooLarge: boolean;
  packageJson: string;
  declarations: { rel: string; size: number }[];
  /** Bytes of the package.json kept and of the declarations. */
  size: number;
}

/** A package's declarations, or null when it has none (or is not installed here: another platform's). */
async function inspect(dir: string, budget: number): Promise<Found | null> {
  const manifest = await readManifest(dir);
  if (!manifest || !(await mayHaveTypes(dir, manifest))) return null;
  const packageJson = JSON.stringify(pick(manifest, RESOLUTION_FIELDS));
  const walk = {
    declarations: [] as { rel: string; size: number }[],
    bytes: Buffer.byteLength(packageJson),
    budget,
  };
  await findDeclarations(dir, '', walk);
  const tooLarge = walk.bytes > budget; // when the budget is spent, a package that may have types is not walked
  if (walk.declarations.length === 0 && !tooLarge) return null;
  return { tooLarge, packageJson, declarations: walk.declarations, size: walk.bytes };
}

/**
 * Whether TypeScript could find types in the package (its ways: `types`/`typings`, `typesVersions`,
 * a `types` condition in `exports`, `index.d.ts`, a `.d.ts` beside `main`): most JavaScript-only
 * packages are then never walked (measured on a 1,220-package install: most of the time went there).
 */
async function mayHaveTypes(dir: string, manifest: Record<string, unknown>): Promise<boolean> {
  if (manifest.types || manifest.typings || manifest.typesVersions) return true;
  if (JSON.stringify(manifest.exports ?? null).includes('"types"')) return true;
  const main = typeof manifest.main === 'string' ? manifest.main.replace(/\.(c|m)?js$/, '') : null;
  for (const file of ['index.d.ts', ...(main ? [`${main}.d.ts`, `${main}/index.d.ts`] : [])])
    if (await isFile(join(dir, file))) return true;
  return false;
}

async function isFile(path: string): Promise<boolean> {
  return stat(path).then(
    (s) => s.isFile(),
    () => false,
  );
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

interface Walk {
  declarations: { rel: string; size: number }[];
  bytes: number;
  /** The walk stops once `bytes` passes it. */
  budget: number;
}

/** Declaration files below `dir` (relative paths), not counting its nested node_modules. */
async function findDeclarations(dir: string, rel: string, walk: Walk): Promise<void> {
  let entries;
  try {
    entries = await readdir(join(dir, rel), { withFileTypes: true });
  } catch {
    return;
  }
  for (const entry of entries) {
    if (walk.bytes > walk.budget) return;
    const path = rel ? `${rel}/${entry.name}` : entry.name;
    if (entry.isDirectory() && entry.name !== 'node_modules') await findDeclarations(dir, path, walk);
    else if (entry.isFile() && DECLARATION.test(entry.name)) {
      const size = (await stat(join(dir, path))).size;
      walk.declarations.push({ rel: path, size });
      walk.bytes += size;
    }
  }
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
