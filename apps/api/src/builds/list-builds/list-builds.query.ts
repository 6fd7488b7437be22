import { Query } from '@nestjs/cqrs';
import { BuildsQuery } from '@runlet/read-models';
import { LogPage } from '@runlet/logs';

type BuildRow = Awaited<ReturnType<BuildsQuery['list']>>[number];

/** A script's builds, newest first, each with its stored log; 404 when the script does not exist. */
export class ListBuildsQuery extends Query<{
  items: (BuildRow & { log: LogPage['items'] })[];
  nextCursor: null;
}> {
  constructor(readonly scriptId: string) {
    super();
  }
}
