import { Query } from '@nestjs/cqrs';
import { AuditPage } from '../audit-page';

/** The installation's events after `after`, optionally of one stream and of some types. */
export class ListEventsQuery extends Query<AuditPage> {
  constructor(readonly filter: { after: number; limit: number; streamId?: string; types?: string[] }) {
    super();
  }
}
