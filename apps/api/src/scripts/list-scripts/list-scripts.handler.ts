import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { nextRun } from '@runlet/domain';
import { ScriptsQuery } from '@runlet/read-models';
import { ListScriptsQuery } from './list-scripts.query';

@QueryHandler(ListScriptsQuery)
export class ListScriptsHandler implements IQueryHandler<ListScriptsQuery> {
  constructor(private readonly scripts: ScriptsQuery) {}

  async execute({ page }: ListScriptsQuery) {
    const { items, nextCursor } = await this.scripts.list(page);
    const now = new Date();
    return {
      items: items.map(({ cronSchedules, ...item }) => ({
        ...item,
        nextRunAt: earliestRun(cronSchedules, now),
      })),
      nextCursor,
    };
  }
}

/** The soonest next run of a script's running cron triggers, or null without one. */
function earliestRun(crons: { schedule: string; timezone: string | null }[], now: Date): string | null {
  let soonest: Date | undefined;
  for (const c of crons) {
    const run = nextRun(c.schedule, c.timezone ?? 'UTC', now);
    if (run && (!soonest || run < soonest)) soonest = run;
  }
  return soonest?.toISOString() ?? null;
}
