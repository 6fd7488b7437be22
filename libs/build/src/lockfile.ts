import { createHash } from 'node:crypto';
import { sortKeys } from './dependency-spec';

/** The fixed name of the throw-away project npm resolves in, so lockfiles do not depend on temp paths. */
export const DEPS_PROJECT_NAME = 'runlet-deps';

export function depsPackageJson(spec: Record<string, string>): string {
  const pkg = { name: DEPS_PROJECT_NAME, version: '0.0.0', private: true, dependencies: sortKeys(spec) };
  return JSON.stringify(pkg, null, 2) + '\n';
}

/** npm's text with the project name pinned; kept in npm's own layout so `npm ci` reads it unchanged. */
export function normaliseLockfile(text: string): string {
  const lock = JSON.parse(text) as { name?: string; version?: string; packages?: Record<string, any> };
  lock.name = DEPS_PROJECT_NAME;
  lock.version = '0.0.0';
  const root = lock.packages?.[''];
  if (root) {
    root.name = DEPS_PROJECT_NAME;
    root.version = '0.0.0';
  }
  return JSON.stringify(lock, null, 2) + '\n';
}

/** sha256 over a key-sorted rendering, so formatting or key order never changes the hash. */
export function hashLockfile(text: string): string {
  return createHash('sha256')
    .update(canonicalJson(JSON.parse(text)))
    .digest('hex');
}

/** Direct dependencies → exact installed versions, read from the lockfile. */
export function resolvedVersions(lockfile: string, names: string[]): Record<string, string> {
  const lock = JSON.parse(lockfile) as { packages?: Record<string, { version?: string }> };
  const out: Record<string, string> = {};
  for (const name of [...names].sort()) {
    const version = lock.packages?.[`node_modules/${name}`]?.version;
    if (version) out[name] = version;
  }
  return out;
}

/** The lockfile of a script without dependencies: no npm needed to produce it. */
export function emptyLockfile(): string {
  return normaliseLockfile(
    JSON.stringify({ name: DEPS_PROJECT_NAME, lockfileVersion: 3, requires: true, packages: { '': {} } }),
  );
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(sortKeys(value as Record<string, unknown>));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
