import { BuiltinSecrets } from './builtin-provider';
import { InfisicalSecrets } from './infisical-provider';
import type { SecretProvider } from './secret-provider';
import { SecretResolver } from './secret-resolver';
import { SecretValues, SqlRunner } from './secret-values';
import type { SecretsConfig } from './secrets-config';

/** The resolver for a configuration: its providers in RUNLET_SECRET_PROVIDERS order. */
export function secretResolverFor(
  config: SecretsConfig,
  db: SqlRunner,
  values: SecretValues,
): SecretResolver {
  const providers: SecretProvider[] = config.providers.map((name) =>
    name === 'builtin' ? new BuiltinSecrets(db, values) : new InfisicalSecrets(config.infisical!),
  );
  return new SecretResolver(providers);
}
