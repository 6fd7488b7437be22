/** Where secret values come from: the builtin store or Infisical. */
export interface SecretProvider {
  readonly name: 'builtin' | 'infisical';
  /** The values of those of `names` this provider has; names it does not have are absent. Throws when it cannot answer. */
  fetch(names: readonly string[]): Promise<Map<string, string>>;
}
