import { CreateApiKeyHandler } from './create-api-key/create-api-key.handler';
import { ListApiKeysHandler } from './list-api-keys/list-api-keys.handler';
import { RevokeApiKeyHandler } from './revoke-api-key/revoke-api-key.handler';

/** The auth use cases' command and query handlers, for the module's providers. */
export const apiKeyHandlers = [CreateApiKeyHandler, ListApiKeysHandler, RevokeApiKeyHandler];
