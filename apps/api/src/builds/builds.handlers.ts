import { GetPackageTypesHandler } from './get-package-types/get-package-types.handler';
import { ListBuildsHandler } from './list-builds/list-builds.handler';

/** The builds use cases' command and query handlers, for the module's providers. */
export const buildHandlers = [ListBuildsHandler, GetPackageTypesHandler];
