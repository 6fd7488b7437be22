import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative, sep } from 'node:path';
import { isNodeBuiltin, isRelativeOrAbsolute, packageNameOf } from './package-name';

/**
 * Node's ESM loader does no extension or directory lookup, so `import fp from 'lodash/fp'` (fine in TS,
 * bundlers and CommonJS) fails at run time for packages without an `exports` map. For those, rewrite the
 * subpath to the file CommonJS resolution finds (`lodash/fp.js`); everything else is left alone.
 */
export function esmSpecifierFor(specifier: string, nodeModulesDir: string | null): string {
  if (!nodeModulesDir || isRelativeOrAbsolute(specifier) || isNodeBuiltin(specifier)) return specifier;
  const name = packageNameOf(specifier);
  if (name === specifier) return specifier; // the package root: Node's legacy `main` lookup copes
  const manifest = readManifest(join(nodeModulesDir, name, 'package.json'));
  if (!manifest || manifest.exports !== undefined) return specifier; // `exports` is authoritative
  try {
    const resolved = createRequire(join(nodeModulesDir, '..', 'index.js')).resolve(specifier);
    const rel = relative(nodeModulesDir, resolved);
    if (rel.startsWith('..')) return specifier;
    return rel.split(sep).join('/');
  } catch {
    return specifier; // unresolvable: let the run fail with Node's own message
  }
}

function readManifest(path: string): { exports?: unknown } | null {
  if (!existsSync(path)) return null;
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return null;
  }
}
