import { Query } from '@nestjs/cqrs';
import { TriggerSecretRow } from '@runlet/read-models';

/** A webhook trigger's accepted secrets: ids and dates, never values. */
export class ListTriggerSecretsQuery extends Query<{ items: TriggerSecretRow[] }> {
  constructor(readonly triggerId: string) {
    super();
  }
}
