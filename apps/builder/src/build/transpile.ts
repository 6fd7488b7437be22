import { build, type Plugin } from 'esbuild';
import { buildErrorFromEsbuild, isEsbuildFailure } from './build-error';
import { sourceFileName, type ScriptLanguage } from './detect-imports';
import { esmSpecifierFor } from './esm-specifiers';

export const ENTRY_FILE = 'main.mjs';
export const SOURCE_MAP_FILE = `${ENTRY_FILE}.map`;

/** Gives ESM scripts a working `require` (bare requires resolve from node_modules next to the entry). */
const REQUIRE_BANNER =
  "import { createRequire as __runletCreateRequire } from 'node:module'; const require = __runletCreateRequire(import.meta.url);";

/** Where esbuild pretends the files live; nothing is written there (write: false). */
const VIRTUAL_DIR = '/runlet-build';

export interface TranspiledScript {
  code: string;
  map: string;
}

/**
 * TS/JS → one ESM file for Node 20 with an external source map. Every import stays external (bare ones
 * resolve from node_modules at run time); extension-less subpaths of packages without `exports` are
 * rewritten so Node's ESM loader finds them.
 */
export async function transpile(
  code: string,
  language: ScriptLanguage,
  nodeModulesDir: string | null = null,
): Promise<TranspiledScript> {
  const file = sourceFileName(language);
  const externals: Plugin = {
    name: 'runlet-externals',
    setup(b) {
      b.onResolve({ filter: /.*/ }, (args) =>
        args.kind === 'entry-point'
          ? undefined
          : { path: esmSpecifierFor(args.path, nodeModulesDir), external: true },
      );
    },
  };
  try {
    const result = await build({
      stdin: {
        contents: code,
        loader: language === 'typescript' ? 'ts' : 'js',
        sourcefile: file,
        resolveDir: VIRTUAL_DIR,
      },
      absWorkingDir: VIRTUAL_DIR,
      outfile: `${VIRTUAL_DIR}/${ENTRY_FILE}`,
      bundle: true,
      write: false,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      sourcemap: 'linked',
      sourcesContent: true,
      banner: { js: REQUIRE_BANNER },
      logLevel: 'silent',
      plugins: [externals],
    });
    const out = result.outputFiles;
    const js = out.find((f) => f.path.endsWith(ENTRY_FILE));
    const map = out.find((f) => f.path.endsWith(SOURCE_MAP_FILE));
    if (!js || !map) throw new Error('esbuild produced no output');
    return { code: js.text, map: map.text };
  } catch (err) {
    if (isEsbuildFailure(err)) throw buildErrorFromEsbuild(err.errors, file);
    throw err;
  }
}
