import { NotFoundException } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { ScriptsQuery, ScriptVersionView } from '@runlet/read-models';
import { GetScriptVersionQuery } from './get-script-version.query';

@QueryHandler(GetScriptVersionQuery)
export class GetScriptVersionHandler implements IQueryHandler<GetScriptVersionQuery> {
  constructor(private readonly scripts: ScriptsQuery) {}

  async execute({ scriptId, version }: GetScriptVersionQuery): Promise<ScriptVersionView> {
    const found = await this.scripts.version(scriptId, version);
    if (!found) throw new NotFoundException(`script ${scriptId} has no version ${version}`);
    return found;
  }
}
