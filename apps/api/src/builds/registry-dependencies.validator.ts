import { ValidationArguments, ValidatorConstraint, ValidatorConstraintInterface } from 'class-validator';

// A semver range (`1.2.3`, `^1.2`, `>=1 <2 || 3.x`, `*`) or a dist-tag (`latest`, `next`).
const SEMVER_RANGE = /^[\dxX*^~<>=|\s.+\-A-Za-z]*$/;
const DIST_TAG = /^[A-Za-z][A-Za-z0-9._-]*$/;

/** Why `spec` is not a registry range, or null when it is one. */
export function registryRangeProblem(name: string, spec: unknown): string | null {
  if (typeof spec !== 'string') return `dependencies: the version of "${name}" must be a string`;
  const s = spec.trim();
  if (s.length > 100) return `dependencies: the version of "${name}" is too long`;
  // file:, link:, git+…:, http(s):, npm: aliases, github shorthand (user/repo) and paths point outside the registry.
  if (/[:/\\#@]/.test(s) || s.startsWith('.') || !(SEMVER_RANGE.test(s) || DIST_TAG.test(s))) {
    return `dependencies: "${name}": "${spec}" is not a registry version or range (file:, git and URL dependencies are not supported)`;
  }
  return null;
}

/** class-validator constraint for a `{ name: range }` map that may only name registry versions. */
@ValidatorConstraint({ name: 'registryDependencies' })
export class RegistryDependencies implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    return this.problem(value) === null;
  }

  defaultMessage(args: ValidationArguments): string {
    return this.problem(args.value) ?? 'dependencies must map package names to versions';
  }

  private problem(value: unknown): string | null {
    if (value === undefined) return null;
    if (!value || typeof value !== 'object' || Array.isArray(value)) return 'dependencies must be an object';
    for (const [name, spec] of Object.entries(value)) {
      const problem = registryRangeProblem(name, spec);
      if (problem) return problem;
    }
    return null;
  }
}
