import { Query } from '@nestjs/cqrs';
import { ScriptVersionView } from '@runlet/read-models';

/** Every version of a script (the script's existence is the caller's to check). */
export class ListScriptVersionsQuery extends Query<ScriptVersionView[]> {
  constructor(readonly scriptId: string) {
    super();
  }
}
