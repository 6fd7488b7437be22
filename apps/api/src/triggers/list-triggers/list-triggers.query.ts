import { Query } from '@nestjs/cqrs';
import { toTriggerView } from '../trigger-view';

/** A script's triggers; 404 when the script does not exist. */
export class ListTriggersQuery extends Query<{
  items: ReturnType<typeof toTriggerView>[];
  nextCursor: null;
}> {
  constructor(readonly scriptId: string) {
    super();
  }
}
