export { createMasker, maskDeep, MASK } from './masker';
export { MIN_SECRET_LENGTH, secretForms } from './secret-forms';
export { LineMasker } from './line-masker';
export { encryptSecret, decryptSecret } from './secret-cipher';
export { loadMasterKey, parseMasterKey, MASTER_KEY_FILE } from './master-key';
export { SecretValues } from './secret-values';
export { secretsMigrations } from './migrations';
export type { SecretProvider } from './secret-provider';
export { BuiltinSecrets } from './builtin-provider';
export { InfisicalSecrets, InfisicalSettings, DEFAULT_INFISICAL_CACHE_TTL_MS } from './infisical-provider';
export { SecretResolver, SecretResolutionError } from './secret-resolver';
export { loadSecretsConfig, SecretsConfig } from './secrets-config';
export { secretResolverFor } from './secret-providers';
/** A local Infisical for tests and benches (speaks the endpoints the SDK calls). */
export { InfisicalStandIn } from './test-infisical-stand-in';
