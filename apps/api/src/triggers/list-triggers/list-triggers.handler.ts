import { Inject } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { NotFoundError } from '@runlet/domain';
import { RUNLET_CONFIG, RunletConfig } from '@runlet/platform';
import { ScriptsQuery, TriggersQuery } from '@runlet/read-models';
import { toTriggerView } from '../trigger-view';
import { ListTriggersQuery } from './list-triggers.query';

@QueryHandler(ListTriggersQuery)
export class ListTriggersHandler implements IQueryHandler<ListTriggersQuery> {
  constructor(
    private readonly triggers: TriggersQuery,
    private readonly scripts: ScriptsQuery,
    @Inject(RUNLET_CONFIG) private readonly config: RunletConfig,
  ) {}

  async execute({ scriptId }: ListTriggersQuery) {
    if (!(await this.scripts.summary(scriptId))) throw new NotFoundError(`script ${scriptId} not found`);
    const items = await this.triggers.byScript(scriptId);
    return { items: items.map((t) => toTriggerView(t, this.config.publicUrl)), nextCursor: null };
  }
}
