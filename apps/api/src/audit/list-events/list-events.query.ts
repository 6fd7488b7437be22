import { Query } from '@nestjs/cqrs';
import { AuditFilter } from '@runlet/event-store';
import { AuditPage } from '../audit-page';

/** The installation's events after `after`, optionally of one stream, some types, one correlation, a time window. */
export class ListEventsQuery extends Query<AuditPage> {
  constructor(readonly filter: AuditFilter & { after: number; limit: number }) {
    super();
  }
}
