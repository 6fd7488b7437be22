import { Query } from '@nestjs/cqrs';
import { ScriptDetailView } from '@runlet/read-models';

export type ScriptDetailResponse = ScriptDetailView & {
  versions: { version: number; createdAt: unknown; actor: unknown }[];
};

/** One script as the API shows it: its detail and its versions; 404 when there is none. */
export class GetScriptQuery extends Query<ScriptDetailResponse> {
  constructor(readonly scriptId: string) {
    super();
  }
}
