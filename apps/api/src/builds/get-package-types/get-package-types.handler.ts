import { NotFoundException } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { PackageTypesTable } from '@runlet/build';
import { Database } from '@runlet/event-store';
import { BuildsQuery, ScriptsQuery } from '@runlet/read-models';
import { GetPackageTypesQuery, PackageTypesView } from './get-package-types.query';

@QueryHandler(GetPackageTypesQuery)
export class GetPackageTypesHandler implements IQueryHandler<GetPackageTypesQuery> {
  private readonly types: PackageTypesTable;

  constructor(
    private readonly scripts: ScriptsQuery,
    private readonly builds: BuildsQuery,
    db: Database,
  ) {
    this.types = new PackageTypesTable(db);
  }

  async execute({ scriptId, version }: GetPackageTypesQuery): Promise<PackageTypesView> {
    if (!(await this.scripts.version(scriptId, version)))
      throw new NotFoundException(`script ${scriptId} has no version ${version}`);
    // Newest first: a rebuild of the version (an upgrade) answers with what it installed.
    const build = (await this.builds.list(scriptId)).find(
      (b) => b.version === version && b.status === 'succeeded' && b.lockfileHash,
    );
    if (!build)
      throw new NotFoundException(
        `script ${scriptId} version ${version} has no successful build yet: its packages' types come from the build that installs them`,
      );
    const lockfileHash = build.lockfileHash!;
    const found = await this.types.load(lockfileHash);
    if (!found && Object.keys(build.resolvedDependencies).length > 0)
      throw new NotFoundException(
        `build ${build.id} of script ${scriptId} version ${version} has no stored type declarations (built before they were collected, or they could not be kept); the next build with these dependencies collects them`,
      );
    return {
      scriptId,
      version,
      buildId: build.id,
      lockfileHash,
      ...(found ?? { files: {}, bytes: 0, omitted: [] }),
    };
  }
}
