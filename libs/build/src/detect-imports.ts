import type { Plugin } from 'esbuild';
import { buildErrorFromEsbuild, isEsbuildFailure } from './build-error';
import { esbuild } from './esbuild-service';
import { isNodeBuiltin, isRelativeOrAbsolute, isValidPackageName, packageNameOf } from './package-name';

export type ScriptLanguage = 'typescript' | 'javascript';

export function sourceFileName(language: ScriptLanguage): string {
  return language === 'typescript' ? 'script.ts' : 'script.js';
}

/**
 * Returns the npm packages a script imports, sorted. Uses esbuild's real parser: a bundling pass whose
 * resolver records and externalises every specifier, so static imports, re-exports, `require('x')` and
 * literal `import('x')` are all seen, and TypeScript type-only imports are dropped exactly as at run time.
 * Throws BuildError (with location) on syntax errors and on imports that cannot be npm packages.
 */
export async function detectImports(code: string, language: ScriptLanguage): Promise<string[]> {
  const found = new Set<string>();
  const recorder: Plugin = {
    name: 'runlet-record-imports',
    setup(b) {
      b.onResolve({ filter: /.*/ }, (args) => {
        if (args.kind === 'entry-point') return undefined;
        const spec = args.path;
        if (isRelativeOrAbsolute(spec) || isNodeBuiltin(spec)) return { path: spec, external: true };
        const name = packageNameOf(spec);
        if (!isValidPackageName(name)) {
          return { errors: [{ text: `"${spec}" is not a valid npm package name` }] };
        }
        found.add(name);
        return { path: spec, external: true };
      });
    },
  };
  const file = sourceFileName(language);
  try {
    await esbuild({
      stdin: { contents: code, loader: language === 'typescript' ? 'ts' : 'js', sourcefile: file },
      bundle: true,
      write: false,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      logLevel: 'silent',
      plugins: [recorder],
    });
  } catch (err) {
    if (isEsbuildFailure(err)) throw buildErrorFromEsbuild(err.errors, file);
    throw err;
  }
  return [...found].sort();
}
