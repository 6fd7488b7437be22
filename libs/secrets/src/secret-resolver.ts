import { parseSecretReference, SecretProviderName } from '@runlet/domain';
import type { SecretProvider } from './secret-provider';

/**
 * A declared secret no provider has, or one naming a provider that is not configured: the
 * execution fails before user code runs, and is not retried (a provider that could not answer
 * throws its own error, and that failure is retried per the version's policy).
 */
export class SecretResolutionError extends Error {}

/**
 * Turns what a script declares (`NAME`, `builtin:NAME`, `infisical:NAME`) into the values its
 * execution gets as `ctx.secrets.NAME`, and nothing else. A bare name is looked up in each
 * configured provider in order and taken from the first that has it.
 */
export class SecretResolver {
  private readonly byName: Map<SecretProviderName, SecretProvider>;

  constructor(private readonly providers: readonly SecretProvider[]) {
    this.byName = new Map(providers.map((p) => [p.name, p]));
  }

  async resolve(declared: readonly string[]): Promise<Record<string, string>> {
    const secrets: Record<string, string> = {};
    if (declared.length === 0) return secrets;
    const references = declared.map(parseSecretReference);
    const pinned = references.filter((r) => r.provider);
    for (const ref of pinned) {
      if (!this.byName.has(ref.provider!))
        throw new SecretResolutionError(
          `secret ${ref.provider}:${ref.name} names the ${ref.provider} provider, which is not configured (RUNLET_SECRET_PROVIDERS)`,
        );
    }
    let open = references.filter((r) => !r.provider).map((r) => r.name);
    for (const provider of this.providers) {
      const wanted = [...open, ...pinned.filter((r) => r.provider === provider.name).map((r) => r.name)];
      if (wanted.length === 0) continue;
      const found = await provider.fetch(wanted);
      for (const [name, value] of found) secrets[name] = value;
      open = open.filter((name) => !found.has(name));
    }
    const missing = references
      .filter((r) => !(r.name in secrets))
      .map((r) => (r.provider ? `${r.provider}:${r.name}` : r.name));
    if (missing.length)
      throw new SecretResolutionError(
        `secret${missing.length > 1 ? 's' : ''} ${missing.join(', ')} not found (looked in ${this.providerList(references)})`,
      );
    return secrets;
  }

  private providerList(references: ReturnType<typeof parseSecretReference>[]): string {
    const names = new Set<string>();
    for (const r of references)
      for (const p of r.provider ? [r.provider] : this.providers.map((x) => x.name)) names.add(p);
    return [...names].join(', ') || 'no provider';
  }
}
