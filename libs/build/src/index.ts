export { BuildError, type SourceLocation } from './build-error';
export { detectImports, type ScriptLanguage } from './detect-imports';
export {
  ScriptBuilder,
  type BuildInput,
  type BuildOutput,
  type PreviousLock,
  type ScriptBuilderOptions,
} from './script-builder';
export type { ArtifactManifest } from './artifact';
export { ALLOW_BUILD_SCRIPTS_ENV, parseAllowedBuildScripts } from './build-scripts';
export { DEFAULT_RESOLVE_CACHE_MS } from './resolve-cache';
export * from './builder-settings';
