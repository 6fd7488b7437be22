import { dirname } from 'node:path';
import { BuildError } from './build-error';
import { BuildScripts } from './build-scripts';
import { Bundler } from './bundle';
import { detectImports, type ScriptLanguage } from './detect-imports';
import { mergeDependencySpec, sameDependencySpec } from './dependency-spec';
import { emptyLockfile, hashLockfile, resolvedVersions } from './lockfile';
import { InstallStore, type StoreEntry } from './install-store';
import { isNpmRunLine, NpmRunner } from './npm-runner';
import { DEFAULT_RESOLVE_CACHE_MS, ResolveCache, resolutionKey } from './resolve-cache';
import { Semaphore } from './semaphore';
import { writeArtifact } from './artifact';
import { collectPackageTypes, type PackageTypes } from './package-types';

export interface PreviousLock {
  lockfile: string;
  lockfileHash: string;
  dependencySpec: Record<string, string>;
}

export interface BuildInput {
  scriptId: string;
  version: number;
  code: string;
  language: ScriptLanguage;
  /** User pins/ranges, e.g. `{ dayjs: '1.11.10' }`. */
  dependencies: Record<string, string>;
  /** The lockfile of the previous successful build of this script, reused when the dependency set is unchanged so code-only versions never re-resolve. */
  previousLock?: PreviousLock | null;
  /** Force re-resolution of ranges (the "upgrade dependencies" action). */
  upgrade?: boolean;
  /** Build log lines, streamed. */
  log?: (line: string) => void;
}

export interface BuildOutput {
  artifactDir: string;
  /** The install store's node_modules for the lockfile (null without dependencies): an image's dependency layer. */
  nodeModulesDir: string | null;
  /** Direct dependencies → exact versions. */
  resolvedDependencies: Record<string, string>;
  /** What was resolved: detected imports merged with pins (`*` when unpinned). */
  dependencySpec: Record<string, string>;
  /** package-lock.json text. */
  lockfile: string;
  /** sha256 of the normalised lockfile. */
  lockfileHash: string;
  /** True when no npm process ran for this build. */
  cacheHit: boolean;
  durationMs: number;
  log: string;
}

export interface ScriptBuilderOptions {
  dataDir: string;
  npmPath?: string;
  registry?: string;
  /** Builds running at once in this builder (default 2). */
  concurrency?: number;
  /** npm (and allowed install scripts) are killed after this long (default 5 minutes). */
  installTimeoutMs?: number;
  /** A resolution of the same dependencies is reused this long (default 60 s; 0: never). */
  resolveCacheMs?: number;
  /** Packages whose install scripts may run, sandboxed (RUNLET_ALLOW_BUILD_SCRIPTS). */
  allowBuildScripts?: string[];
  /** Where each install's type declarations are kept for the editor (the builder role's table); none: not collected. */
  packageTypes?: PackageTypesSink;
}

/** Keeps one lockfile's declarations; `has` lets a build with a known lockfile skip the walk. */
export interface PackageTypesSink {
  has(lockfileHash: string): Promise<boolean>;
  save(lockfileHash: string, types: PackageTypes): Promise<void>;
}

const DEFAULT_GC_RECENT_MS = 24 * 60 * 60_000;

/** detect imports → merge pins → lockfile + content-addressed install → bundle → atomic artifact. */
export class ScriptBuilder {
  private readonly npm: NpmRunner;
  private readonly store: InstallStore;
  private readonly slots: Semaphore;
  private readonly resolutions: ResolveCache;
  private readonly bundler = new Bundler();

  constructor(private readonly opts: ScriptBuilderOptions) {
    this.npm = new NpmRunner({
      npmPath: opts.npmPath,
      registry: opts.registry,
      timeoutMs: opts.installTimeoutMs,
    });
    const scripts = new BuildScripts({
      allowed: opts.allowBuildScripts,
      npmPath: opts.npmPath,
      hidden: [opts.dataDir],
      timeoutMs: opts.installTimeoutMs,
    });
    this.store = new InstallStore(opts.dataDir, this.npm, scripts);
    this.slots = new Semaphore(opts.concurrency ?? 2);
    this.resolutions = new ResolveCache(opts.resolveCacheMs ?? DEFAULT_RESOLVE_CACHE_MS);
  }

  /** npm processes this builder has started; a cache hit leaves it unchanged. */
  get npmRuns(): number {
    return this.npm.runCount;
  }

  build(input: BuildInput): Promise<BuildOutput> {
    return this.slots.use(() => this.runBuild(input));
  }

  /** Releases what keeps esbuild's service (and so the process) alive. */
  close(): Promise<void> {
    return this.bundler.close();
  }

  /** Remove store entries not in `keepHashes` and not used within `recentMs`. Returns removed hashes. */
  collectGarbage(keepHashes: Set<string>, recentMs = DEFAULT_GC_RECENT_MS): Promise<string[]> {
    return this.store.collectGarbage(keepHashes, recentMs);
  }

  private async runBuild(input: BuildInput): Promise<BuildOutput> {
    const started = Date.now();
    const lines: string[] = [];
    let npmRuns = 0;
    const log = (line: string) => {
      lines.push(line);
      if (isNpmRunLine(line)) npmRuns++;
      try {
        input.log?.(line);
      } catch {
        // A broken log sink must not fail the build.
      }
    };
    try {
      log(`build ${input.scriptId} v${input.version} (${input.language})`);
      const imports = await detectImports(input.code, input.language);
      log(`imports: ${imports.length ? imports.join(', ') : '(none)'}`);
      const dependencySpec = mergeDependencySpec(imports, input.dependencies);
      // Syntax errors surfaced in detectImports, so npm never runs for code that cannot build.
      const deps = await this.installDependencies(dependencySpec, input, log);
      const finish = async (): Promise<BuildOutput> => {
        const external = deps.natives;
        // Beside the bundle, not after it: the walk is file reads in the entry the bundle reads too.
        const [script] = await Promise.all([
          this.bundler.bundle(
            input.code,
            input.language,
            deps.nodeModulesDir ? { nodeModulesDir: deps.nodeModulesDir, external } : null,
          ),
          deps.nodeModulesDir && this.keepPackageTypes(deps, Object.keys(dependencySpec), log),
        ]);
        for (const warning of script.warnings) log(warning);
        if (external.length) log(`kept out of the bundle (native addons): ${external.join(', ')}`);
        const resolvedDependencies = resolvedVersions(deps.lockfile, Object.keys(dependencySpec));
        const artifactDir = await writeArtifact(this.opts.dataDir, script, {
          // Everything else is in the bundle: node_modules is mounted only for what is not.
          nodeModulesDir: external.length ? deps.nodeModulesDir : null,
          bundled: true,
          externalPackages: external,
          scriptId: input.scriptId,
          version: input.version,
          lockfileHash: deps.lockfileHash,
          resolvedDependencies,
        });
        const cacheHit = npmRuns === 0 && !deps.installed;
        const durationMs = Date.now() - started;
        log(`built in ${durationMs} ms${cacheHit ? ' (dependency cache hit)' : ''} → ${artifactDir}`);
        return {
          artifactDir,
          nodeModulesDir: deps.nodeModulesDir,
          resolvedDependencies,
          dependencySpec,
          lockfile: deps.lockfile,
          lockfileHash: deps.lockfileHash,
          cacheHit,
          durationMs,
          log: lines.join('\n'),
        };
      };
      return deps.nodeModulesDir ? await this.store.withEntry(deps.lockfileHash, finish) : await finish();
    } catch (err) {
      const error =
        err instanceof BuildError
          ? err
          : new BuildError(`internal build error: ${(err as Error)?.message ?? err}`);
      log(`build failed: ${error.reason}`);
      error.log = lines.join('\n');
      throw error;
    }
  }

  /**
   * Collects the install's declarations once per lockfile. Best effort: a failed walk or write costs
   * the editor its types (the next build with this lockfile tries again), never the build.
   */
  private async keepPackageTypes(
    deps: { lockfile: string; lockfileHash: string; nodeModulesDir: string | null },
    direct: string[],
    log: (line: string) => void,
  ): Promise<void> {
    const sink = this.opts.packageTypes;
    if (!sink || !deps.nodeModulesDir) return;
    try {
      if (await sink.has(deps.lockfileHash)) return;
      const types = await collectPackageTypes(dirname(deps.nodeModulesDir), deps.lockfile, direct);
      const packages = Object.keys(types.files).filter((f) => f.endsWith('/package.json')).length;
      log(`editor types: ${packages} package(s) with declarations, ${types.bytes} bytes`);
      for (const o of types.omitted.slice(0, 5)) log(`editor types: left out ${o.name}: ${o.reason}`);
      if (types.omitted.length > 5) log(`editor types: left out ${types.omitted.length - 5} more package(s)`);
      await sink.save(deps.lockfileHash, types);
    } catch (err) {
      log(`warning: the packages' type declarations were not kept: ${(err as Error)?.message ?? err}`);
    }
  }

  private async installDependencies(
    spec: Record<string, string>,
    input: BuildInput,
    log: (line: string) => void,
  ): Promise<Omit<StoreEntry, 'nodeModulesDir'> & { nodeModulesDir: string | null }> {
    if (Object.keys(spec).length === 0) {
      const lockfile = emptyLockfile();
      return {
        lockfile,
        lockfileHash: hashLockfile(lockfile),
        nodeModulesDir: null,
        installed: false,
        natives: [],
      };
    }
    const previous = input.previousLock;
    if (previous && !input.upgrade && sameDependencySpec(previous.dependencySpec, spec)) {
      log('dependencies unchanged: reusing the previous lockfile');
      return this.store.ensureFromLockfile(previous.lockfile, spec, log);
    }
    if (input.upgrade) log('upgrade requested: re-resolving all ranges');
    // A changed spec starts from the previous lockfile, so untouched packages keep their versions.
    const seed = previous && !input.upgrade ? previous.lockfile : undefined;
    const key = resolutionKey(spec, seed);
    const cached = input.upgrade ? undefined : this.resolutions.get(key);
    if (cached) {
      log(`dependencies: resolution cache hit (resolved ${Math.round(cached.ageMs / 1000)} s ago)`);
      return this.store.ensureFromLockfile(cached.lockfile, spec, log);
    }
    const resolved = await this.store.resolveAndInstall(spec, seed, log);
    this.resolutions.set(key, resolved.lockfile);
    return resolved;
  }
}
