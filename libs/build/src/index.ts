export { BuildError, type SourceLocation } from './build-error';
export { detectImports, type ScriptLanguage } from './detect-imports';
export {
  ScriptBuilder,
  type BuildInput,
  type BuildOutput,
  type PreviousLock,
  type ScriptBuilderOptions,
  type PackageTypesSink,
} from './script-builder';
export type { ArtifactManifest } from './artifact';
export { ALLOW_BUILD_SCRIPTS_ENV, parseAllowedBuildScripts } from './build-scripts';
export { DEFAULT_RESOLVE_CACHE_MS } from './resolve-cache';
export * from './builder-settings';
export { ImageBuilder, type BuiltImage as PushedImage } from './image/image-builder';
export { RegistryClient, type RegistrySettings, type Manifest } from './image/registry-client';
export { LABELS as IMAGE_LABELS } from './image/image-context';
export { collectPackageTypes, PACKAGE_TYPES_MAX_BYTES, type PackageTypes } from './package-types';
export { PackageTypesTable } from './package-types-table';
export { buildMigrations } from './package-types.migration';
