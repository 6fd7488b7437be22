import { Query } from '@nestjs/cqrs';
import { ScriptDetailView, ScriptVersionView } from '@runlet/read-models';

export type ScriptDetailResponse = ScriptDetailView & {
  versions: Pick<ScriptVersionView, 'version' | 'createdAt' | 'actor'>[];
};

/** One script as the API shows it: its detail and its versions; 404 when there is none. */
export class GetScriptQuery extends Query<ScriptDetailResponse> {
  constructor(readonly scriptId: string) {
    super();
  }
}
