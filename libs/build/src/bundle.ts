import {
  context,
  type BuildContext,
  type BuildOptions,
  type Message,
  type OutputFile,
  type Plugin,
} from 'esbuild';
import { dirname, join } from 'node:path';
import { buildErrorFromEsbuild, isEsbuildFailure } from './build-error';
import { sourceFileName, type ScriptLanguage } from './detect-imports';
import { esbuild, isServiceGone, withEsbuildService } from './esbuild-service';
import { esmSpecifierFor } from './esm-specifiers';

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
/**
 * Warm contexts kept (one per store entry and language in use) and how long an unused one lives:
 * enough for a few people trying things out; each holds its dependencies' parsed code in esbuild.
 */
const MAX_CONTEXTS = 4;
const CONTEXT_IDLE_MS = 2 * 60_000;

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
 *
 * Scripts with dependencies are bundled in a warm esbuild context per store entry: the
 * dependencies are parsed once and later builds (try-outs, new versions) only re-read the script.
 */
export class Bundler {
  private readonly warm = new Map<string, WarmContext>();

  async bundle(
    code: string,
    language: ScriptLanguage,
    deps: BundleDependencies | null,
  ): Promise<BundledScript> {
    const file = sourceFileName(language);
    try {
      const outputs = deps ? await this.rebuildWarm(code, language, deps) : await bundleOnce(code, language);
      return finish(outputs, code, file);
    } catch (err) {
      if (isEsbuildFailure(err)) throw buildErrorFromEsbuild(err.errors, file);
      throw err;
    }
  }

  /** Disposes every warm context (they keep esbuild's service, and so the process, alive). */
  async close(): Promise<void> {
    const all = [...this.warm.values()];
    this.warm.clear();
    await Promise.all(all.map((w) => w.dispose()));
  }

  private rebuildWarm(code: string, language: ScriptLanguage, deps: BundleDependencies) {
    const key = [deps.nodeModulesDir, language, ...deps.external].join('\n');
    return withEsbuildService(
      async () => {
        const warm = this.contextFor(key, language, deps);
        try {
          return await warm.rebuild(code);
        } catch (err) {
          if (isServiceGone(err)) this.forget(key);
          throw err;
        }
      },
      () => void this.close(),
    );
  }

  private contextFor(key: string, language: ScriptLanguage, deps: BundleDependencies): WarmContext {
    const found = this.warm.get(key);
    if (found) {
      this.warm.delete(key); // re-inserted last: Map order is least recently used first
      this.warm.set(key, found);
      return found;
    }
    const created = new WarmContext(language, deps, () => this.forget(key));
    this.warm.set(key, created);
    while (this.warm.size > MAX_CONTEXTS) this.forget(this.warm.keys().next().value!);
    return created;
  }

  private forget(key: string): void {
    const warm = this.warm.get(key);
    this.warm.delete(key);
    void warm?.dispose();
  }
}

/** One esbuild context whose entry is the script of the current build; builds take turns. */
class WarmContext {
  private current = '';
  private turn: Promise<unknown> = Promise.resolve();
  private readonly ready: Promise<BuildContext>;
  private idle?: NodeJS.Timeout;

  constructor(
    language: ScriptLanguage,
    deps: BundleDependencies,
    private readonly onIdle: () => void,
  ) {
    const dir = dirname(deps.nodeModulesDir);
    const entry = join(dir, sourceFileName(language));
    // Exact-path filters, so esbuild calls back into JavaScript for the script only, not per file.
    const only = new RegExp(`^${escapeRegExp(entry)}$`);
    const script: Plugin = {
      name: 'runlet-script',
      setup: (b) => {
        b.onResolve({ filter: only }, () => ({ path: entry }));
        // The script never touches the disk: its text is whatever this build is bundling.
        b.onLoad({ filter: only }, () => ({
          contents: this.current,
          loader: language === 'typescript' ? 'ts' : 'js',
          resolveDir: dir,
        }));
      },
    };
    this.ready = context({
      ...commonOptions(dir),
      entryPoints: [entry],
      plugins: [script, ...externalsPlugins(deps)],
    });
    this.ready.catch(() => undefined); // surfaced by rebuild()
  }

  rebuild(code: string): Promise<OutputFile[] & { warnings?: Message[] }> {
    const run = this.turn.then(async () => {
      clearTimeout(this.idle);
      this.current = code;
      try {
        const result = await (await this.ready).rebuild();
        return Object.assign(result.outputFiles ?? [], { warnings: result.warnings });
      } finally {
        this.idle = setTimeout(this.onIdle, CONTEXT_IDLE_MS);
        this.idle.unref();
      }
    });
    this.turn = run.catch(() => undefined);
    return run;
  }

  async dispose(): Promise<void> {
    clearTimeout(this.idle);
    await this.turn;
    await this.ready.then(
      (ctx) => ctx.dispose(),
      () => undefined,
    );
  }
}

/** A script without dependencies: nothing worth keeping warm. */
async function bundleOnce(code: string, language: ScriptLanguage) {
  const result = await esbuild({
    ...commonOptions(VIRTUAL_DIR),
    stdin: {
      contents: code,
      loader: language === 'typescript' ? 'ts' : 'js',
      sourcefile: sourceFileName(language),
      resolveDir: VIRTUAL_DIR,
    },
  });
  return Object.assign(result.outputFiles, { warnings: result.warnings });
}

function commonOptions(dir: string) {
  return {
    // Resolving from the store entry makes the map's sources read `script.ts`, `node_modules/…`.
    absWorkingDir: dir,
    outfile: `${dir}/${ENTRY_FILE}`,
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    sourcemap: 'linked',
    // Only the script's own source goes into the map (added in finish()): dependencies' would
    // triple its size and the time to write it.
    sourcesContent: false,
    banner: { js: BANNER },
    // Only unbound uses are replaced: a script's own `const __dirname = …` stays its own.
    define: { __dirname: '__runletDirname', __filename: '__runletFilename' },
    logLevel: 'silent',
  } satisfies BuildOptions;
}

/**
 * The `external` packages (and their subpaths) stay imports; Node built-ins do anyway (platform
 * node); everything else is resolved and bundled. The filter names them, so esbuild calls back
 * into JavaScript only for those imports, not for every import of every dependency.
 */
function externalsPlugins(deps: BundleDependencies | null): Plugin[] {
  if (!deps || deps.external.length === 0) return [];
  const filter = new RegExp(`^(${deps.external.map(escapeRegExp).join('|')})(/|$)`);
  const plugin: Plugin = {
    name: 'runlet-externals',
    setup(b) {
      b.onResolve({ filter }, (args) => ({
        path: esmSpecifierFor(args.path, deps.nodeModulesDir),
        external: true,
      }));
    },
  };
  return [plugin];
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

function finish(outputs: OutputFile[] & { warnings?: Message[] }, code: string, file: string): BundledScript {
  const js = outputs.find((f) => f.path.endsWith(ENTRY_FILE));
  const map = outputs.find((f) => f.path.endsWith(SOURCE_MAP_FILE));
  if (!js || !map) throw new Error('esbuild produced no output');
  return {
    code: js.text,
    map: withScriptSource(map.text, file, code),
    warnings: describeWarnings(outputs.warnings ?? []),
  };
}

/** The map carries the script's source (for stack-trace code frames), not the dependencies'. */
function withScriptSource(mapText: string, file: string, code: string): string {
  const map = JSON.parse(mapText) as { sources: string[]; sourcesContent?: Array<string | null> };
  map.sourcesContent = map.sources.map((source) => (source === file ? code : null));
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
