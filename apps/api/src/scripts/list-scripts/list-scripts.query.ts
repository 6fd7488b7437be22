import { Query } from '@nestjs/cqrs';
import { ScriptsQuery } from '@runlet/read-models';

export class ListScriptsQuery extends Query<Awaited<ReturnType<ScriptsQuery['list']>>> {
  constructor(readonly page: { cursor?: string; limit?: number }) {
    super();
  }
}
