import { Query } from '@nestjs/cqrs';
import { toTriggerView } from '../trigger-view';

/** One trigger as the API shows it; 404 when there is none (or it was deleted). */
export class GetTriggerQuery extends Query<ReturnType<typeof toTriggerView>> {
  constructor(readonly triggerId: string) {
    super();
  }
}
