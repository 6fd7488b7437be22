import { SECRET_PROVIDERS, SecretProviderName } from '@runlet/domain';
import { DEFAULT_INFISICAL_CACHE_TTL_MS, InfisicalSettings } from './infisical-provider';

export interface SecretsConfig {
  /** RUNLET_MASTER_KEY; unset: a key generated into the data dir. */
  masterKey?: string;
  /** RUNLET_SECRET_PROVIDERS, in lookup order. */
  providers: SecretProviderName[];
  infisical?: InfisicalSettings;
}

const INFISICAL_REQUIRED = [
  'INFISICAL_SITE_URL',
  'INFISICAL_CLIENT_ID',
  'INFISICAL_CLIENT_SECRET',
  'INFISICAL_PROJECT_ID',
  'INFISICAL_ENVIRONMENT',
] as const;

/** Reads the secret settings; a wrong setting stops the start with a message naming it. */
export function loadSecretsConfig(env: NodeJS.ProcessEnv): SecretsConfig {
  const present = INFISICAL_REQUIRED.filter((name) => env[name]);
  let infisical: InfisicalSettings | undefined;
  if (present.length > 0) {
    const absent = INFISICAL_REQUIRED.filter((name) => !env[name]);
    if (absent.length) throw new Error(`Infisical is partly configured: set ${absent.join(', ')} as well`);
    const ttl = Number(env.INFISICAL_CACHE_TTL_MS ?? DEFAULT_INFISICAL_CACHE_TTL_MS);
    if (!Number.isInteger(ttl) || ttl < 0)
      throw new Error('INFISICAL_CACHE_TTL_MS must be a whole number of milliseconds, 0 for no cache');
    infisical = {
      siteUrl: env.INFISICAL_SITE_URL!,
      clientId: env.INFISICAL_CLIENT_ID!,
      clientSecret: env.INFISICAL_CLIENT_SECRET!,
      projectId: env.INFISICAL_PROJECT_ID!,
      environment: env.INFISICAL_ENVIRONMENT!,
      secretPath: env.INFISICAL_SECRET_PATH || '/',
      cacheTtlMs: ttl,
    };
  }
  const providers = parseProviders(env.RUNLET_SECRET_PROVIDERS, infisical ? 'builtin,infisical' : 'builtin');
  if (providers.includes('infisical') && !infisical)
    throw new Error(
      `RUNLET_SECRET_PROVIDERS lists infisical, but ${INFISICAL_REQUIRED.join(', ')} are not set`,
    );
  return { masterKey: env.RUNLET_MASTER_KEY || undefined, providers, infisical };
}

function parseProviders(raw: string | undefined, fallback: string): SecretProviderName[] {
  const names = (raw?.trim() ? raw : fallback)
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  const unknown = names.filter((name) => !(SECRET_PROVIDERS as readonly string[]).includes(name));
  if (unknown.length)
    throw new Error(
      `RUNLET_SECRET_PROVIDERS: unknown provider ${unknown.join(', ')}; known: ${SECRET_PROVIDERS.join(', ')}`,
    );
  if (new Set(names).size !== names.length) throw new Error('RUNLET_SECRET_PROVIDERS lists a provider twice');
  return names as SecretProviderName[];
}
