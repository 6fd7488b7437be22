import { Query } from '@nestjs/cqrs';
import { ScriptVersionView } from '@runlet/read-models';

/** One version of a script; 404 when the script has no such version. */
export class GetScriptVersionQuery extends Query<ScriptVersionView> {
  constructor(
    readonly scriptId: string,
    readonly version: number,
  ) {
    super();
  }
}
