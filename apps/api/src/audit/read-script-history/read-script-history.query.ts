import { Query } from '@nestjs/cqrs';
import { ScriptEventsFilter } from '@runlet/event-store';
import { AuditPage } from '../audit-page';

/** The script's own stream plus the build, trigger and execution events that name it, optionally filtered; 404 for an unknown script. */
export class ReadScriptHistoryQuery extends Query<AuditPage> {
  constructor(
    readonly scriptId: string,
    readonly page: { after: number; limit: number } & ScriptEventsFilter,
  ) {
    super();
  }
}
