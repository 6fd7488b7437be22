import { ValidationError } from '../common/errors';

export const SECRET_PROVIDERS = ['builtin', 'infisical'] as const;
export type SecretProviderName = (typeof SECRET_PROVIDERS)[number];

/** A script's declaration `NAME`, `builtin:NAME` or `infisical:NAME`; the script reads `ctx.secrets.NAME`. */
export interface SecretReference {
  name: string;
  /** Absent: the configured providers are tried in order. */
  provider?: SecretProviderName;
}

/** What a script may declare: an identifier (it becomes `ctx.secrets.NAME`), optionally with its provider. */
const REFERENCE = /^(?:(builtin|infisical):)?([A-Za-z_][A-Za-z0-9_]*)$/;

export function parseSecretReference(declared: unknown): SecretReference {
  const match = typeof declared === 'string' && declared.length <= 200 ? REFERENCE.exec(declared) : null;
  if (!match)
    throw new ValidationError(
      `secrets: ${JSON.stringify(declared)} is not a valid secret name (NAME, builtin:NAME or infisical:NAME, NAME a letter or _ then letters, digits or _)`,
    );
  return match[1] ? { name: match[2], provider: match[1] as SecretProviderName } : { name: match[2] };
}

/** Checks a list of declarations; two declarations of one name (with different providers) are refused. */
export function secretReferences(field: string, value: unknown): string[] {
  if (!Array.isArray(value)) throw new ValidationError(`${field} must be an array of secret names`);
  const names = new Set<string>();
  for (const declared of value) {
    const { name } = parseSecretReference(declared);
    if (names.has(name)) throw new ValidationError(`${field}: ${name} is declared twice`);
    names.add(name);
  }
  return value as string[];
}
