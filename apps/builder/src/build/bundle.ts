import type { Message, Plugin } from 'esbuild';
import { dirname } from 'node:path';
import { buildErrorFromEsbuild, isEsbuildFailure } from './build-error';
import { sourceFileName, type ScriptLanguage } from './detect-imports';
import { esbuild } from './esbuild-service';
import { esmSpecifierFor } from './esm-specifiers';
import { isNodeBuiltin, isRelativeOrAbsolute, packageNameOf } from './package-name';

export const ENTRY_FILE = 'main.mjs';
export const SOURCE_MAP_FILE = `${ENTRY_FILE}.map`;

/**
 * Gives the ESM bundle what bundled CommonJS expects: a working `require` (for Node built-ins and
 * external packages, resolved from node_modules next to the entry), `__filename` and `__dirname`
 * (bound under private names, see `define` below). One line, so the source map's offsets stay simple.
 */
const BANNER =
  "import { createRequire as __runletCreateRequire } from 'node:module'; " +
  "import { fileURLToPath as __runletFileURLToPath } from 'node:url'; " +
  "import { dirname as __runletDirnameOf } from 'node:path'; " +
  'const require = __runletCreateRequire(import.meta.url); ' +
  'const __runletFilename = __runletFileURLToPath(import.meta.url); ' +
  'const __runletDirname = __runletDirnameOf(__runletFilename);';

/** Where esbuild pretends a script without dependencies lives; nothing is written there (write: false). */
const VIRTUAL_DIR = '/runlet-build';
/** esbuild warnings copied into the build log; the rest are counted. */
const MAX_WARNINGS = 5;

export interface BundleDependencies {
  /** The store entry's node_modules the script's imports resolve from. */
  nodeModulesDir: string;
  /** Packages left out of the bundle (native addons), loaded from node_modules at run time. */
  external: string[];
}

export interface BundledScript {
  code: string;
  map: string;
  /** esbuild's warnings (e.g. a `require` it could not follow), for the build log. */
  warnings: string[];
}

/**
 * TS/JS and its dependencies → one ESM file for Node 20 with an external source map. Packages are
 * resolved the way Node does for `import` (`exports` conditions node/import/default, `main`,
 * subpaths, JSON files) and bundled, so CommonJS named imports work; Node built-ins and the
 * `external` packages stay imports, resolved from node_modules at run time.
 */
export async function bundleScript(
  code: string,
  language: ScriptLanguage,
  deps: BundleDependencies | null = null,
): Promise<BundledScript> {
  const file = sourceFileName(language);
  const external = new Set(deps?.external ?? []);
  const externals: Plugin = {
    name: 'runlet-externals',
    setup(b) {
      b.onResolve({ filter: /.*/ }, (args) => {
        if (args.kind === 'entry-point' || isRelativeOrAbsolute(args.path)) return undefined;
        if (isNodeBuiltin(args.path)) return { path: args.path, external: true };
        if (!external.has(packageNameOf(args.path))) return undefined; // esbuild resolves and bundles it
        return { path: esmSpecifierFor(args.path, deps?.nodeModulesDir ?? null), external: true };
      });
    },
  };
  // Resolving from the store entry makes the map's sources read `script.ts`, `node_modules/…`.
  const dir = deps ? dirname(deps.nodeModulesDir) : VIRTUAL_DIR;
  try {
    const result = await esbuild({
      stdin: {
        contents: code,
        loader: language === 'typescript' ? 'ts' : 'js',
        sourcefile: file,
        resolveDir: dir,
      },
      absWorkingDir: dir,
      outfile: `${dir}/${ENTRY_FILE}`,
      bundle: true,
      write: false,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      sourcemap: 'linked',
      sourcesContent: true,
      banner: { js: BANNER },
      // Only unbound uses are replaced: a script's own `const __dirname = …` stays its own.
      define: { __dirname: '__runletDirname', __filename: '__runletFilename' },
      logLevel: 'silent',
      plugins: [externals],
    });
    const out = result.outputFiles;
    const js = out.find((f) => f.path.endsWith(ENTRY_FILE));
    const map = out.find((f) => f.path.endsWith(SOURCE_MAP_FILE));
    if (!js || !map) throw new Error('esbuild produced no output');
    return {
      code: js.text,
      map: withoutDependencySources(map.text),
      warnings: describeWarnings(result.warnings),
    };
  } catch (err) {
    if (isEsbuildFailure(err)) throw buildErrorFromEsbuild(err.errors, file);
    throw err;
  }
}

/** Keeps the user's source in the map but drops the dependencies' (their code is in the bundle anyway). */
function withoutDependencySources(mapText: string): string {
  const map = JSON.parse(mapText) as { sources: string[]; sourcesContent?: Array<string | null> };
  if (map.sourcesContent) {
    map.sourcesContent = map.sourcesContent.map((content, i) =>
      /(^|\/)node_modules\//.test(map.sources[i] ?? '') ? null : content,
    );
  }
  return JSON.stringify(map);
}

function describeWarnings(warnings: Message[]): string[] {
  const lines = warnings.slice(0, MAX_WARNINGS).map((w) => {
    const at = w.location ? `${w.location.file}:${w.location.line}:${w.location.column + 1}: ` : '';
    return `warning: ${at}${w.text}`;
  });
  if (warnings.length > MAX_WARNINGS) lines.push(`(and ${warnings.length - MAX_WARNINGS} more warning(s))`);
  return lines;
}
