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
