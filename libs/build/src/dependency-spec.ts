import { BuildError } from './build-error';
import { isValidPackageName } from './package-name';

/** The range recorded for an import the user did not pin: any version, npm prefers the `latest` tag. */
export const UNPINNED = '*';

/** Detected imports (unpinned) merged with the user's pins; a pin without an import is still installed. */
export function mergeDependencySpec(imports: string[], pins: Record<string, string>): Record<string, string> {
  const merged: Record<string, string> = {};
  for (const name of imports) merged[name] = UNPINNED;
  for (const [name, range] of Object.entries(pins ?? {})) {
    if (!isValidPackageName(name))
      throw new BuildError(`dependency "${name}" is not a valid npm package name`);
    const trimmed = String(range ?? '').trim();
    merged[name] = trimmed === '' ? UNPINNED : trimmed;
  }
  return sortKeys(merged);
}

export function sameDependencySpec(a: Record<string, string>, b: Record<string, string>): boolean {
  return JSON.stringify(sortKeys(a)) === JSON.stringify(sortKeys(b));
}

export function sortKeys<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)));
}
