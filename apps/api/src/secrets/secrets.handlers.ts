import { DeleteSecretHandler } from './delete-secret/delete-secret.handler';
import { ListSecretsHandler } from './list-secrets/list-secrets.handler';
import { SetSecretHandler } from './set-secret/set-secret.handler';

/** The builtin secrets' command and query handlers, for the module's providers. */
export const secretHandlers = [SetSecretHandler, DeleteSecretHandler, ListSecretsHandler];
