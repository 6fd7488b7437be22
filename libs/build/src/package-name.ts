import { builtinModules } from 'node:module';

const builtins = new Set(builtinModules);

// npm's rules for new package names (lower case, url-safe), optionally scoped.
const NPM_NAME = /^(?:@[a-z0-9][a-z0-9._~-]*\/)?[a-z0-9~][a-z0-9._~-]*$/;

export function isValidPackageName(name: string): boolean {
  return name.length <= 214 && NPM_NAME.test(name);
}

export function isRelativeOrAbsolute(specifier: string): boolean {
  return specifier.startsWith('.') || specifier.startsWith('/');
}

/** `node:fs`, `fs`, `fs/promises`; also `node:test` which has no un-prefixed form. */
export function isNodeBuiltin(specifier: string): boolean {
  if (specifier.startsWith('node:')) return true;
  return builtins.has(specifier) || builtins.has(specifier.split('/')[0]);
}

/** `lodash/fp` → `lodash`, `@org/pkg/sub` → `@org/pkg`. */
export function packageNameOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}
