import { Query } from '@nestjs/cqrs';
import { AuditPage } from '../audit-page';

/** The script's own stream plus the build, trigger and execution events that name it; 404 for an unknown script. */
export class ReadScriptHistoryQuery extends Query<AuditPage> {
  constructor(
    readonly scriptId: string,
    readonly page: { after: number; limit: number },
  ) {
    super();
  }
}
