import { Query } from '@nestjs/cqrs';
import { ScriptsQuery } from '@runlet/read-models';

type ListItem = Omit<Awaited<ReturnType<ScriptsQuery['list']>>['items'][number], 'cronSchedules'>;

export class ListScriptsQuery extends Query<{
  items: (ListItem & { nextRunAt: string | null })[];
  nextCursor: string | null;
}> {
  constructor(readonly page: { cursor?: string; limit?: number; q?: string }) {
    super();
  }
}
