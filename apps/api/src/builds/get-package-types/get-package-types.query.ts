import { Query } from '@nestjs/cqrs';
import type { PackageTypes } from '@runlet/build';

export type PackageTypesView = PackageTypes & {
  scriptId: string;
  version: number;
  buildId: string;
  lockfileHash: string;
};

/**
 * The type declarations the version's successful build installed, for the editor; 404 when the
 * script, the version or a successful build of it does not exist.
 */
export class GetPackageTypesQuery extends Query<PackageTypesView> {
  constructor(
    readonly scriptId: string,
    readonly version: number,
  ) {
    super();
  }
}
