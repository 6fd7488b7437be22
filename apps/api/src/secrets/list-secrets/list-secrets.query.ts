import { Query } from '@nestjs/cqrs';
import { SecretView } from '@runlet/read-models';

/** The builtin secrets' names and versions; values are write-only. */
export class ListSecretsQuery extends Query<SecretView[]> {}
