import { NotFoundException } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { ScriptsQuery } from '@runlet/read-models';
import { GetScriptQuery, ScriptDetailResponse } from './get-script.query';

@QueryHandler(GetScriptQuery)
export class GetScriptHandler implements IQueryHandler<GetScriptQuery> {
  constructor(private readonly scripts: ScriptsQuery) {}

  async execute({ scriptId }: GetScriptQuery): Promise<ScriptDetailResponse> {
    const detail = await this.scripts.detail(scriptId);
    if (!detail) throw new NotFoundException(`script ${scriptId} not found`);
    return {
      ...detail,
      // Until the latest version's build is projected, that build is pending (not the previous one's state).
      build:
        detail.build && (detail.build.version ?? 0) >= detail.latestVersion
          ? detail.build
          : { status: 'pending', version: detail.latestVersion },
      versions: (await this.scripts.versions(scriptId)).map((v) => ({
        version: v.version,
        createdAt: v.createdAt,
        actor: v.actor,
      })),
    };
  }
}
