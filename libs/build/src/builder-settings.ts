import type { RegistrySettings } from './image/registry-client';
import { ALLOW_BUILD_SCRIPTS_ENV, parseAllowedBuildScripts } from './build-scripts';
import { DEFAULT_RESOLVE_CACHE_MS } from './resolve-cache';
import type { ScriptBuilderOptions } from './script-builder';

/** The builder role's settings (environment, with defaults that suit one machine). */
export interface BuilderSettings {
  /** Builds at once in this process. */
  concurrency: number;
  /** npm registry; npm's own default when unset. */
  registry?: string;
  /** How often unreferenced install-store entries are removed. */
  gcIntervalMs: number;
  /** Store entries used by builds of this recent past are kept. */
  gcKeepMs: number;
  /** Job lock, renewed while a build runs; a killed builder's job is retried once it lapses. */
  lockMs: number;
  /** A resolution of unchanged dependency ranges is reused this long (0: never). */
  resolveCacheMs: number;
  /** Packages whose install scripts may run, in the build sandbox. */
  allowBuildScripts: string[];
  /** One image per script version (RUNLET_IMAGE_BUILDS, on with a container runtime); undefined: none. */
  images?: ImageSettings;
}

export interface ImageSettings {
  baseImage: string;
  /** RUNLET_REGISTRY (host[:port][/namespace]); unset: images stay on the local engine. */
  registry?: RegistrySettings;
}

export function loadBuilderSettings(env: NodeJS.ProcessEnv = process.env): BuilderSettings {
  return {
    concurrency: positiveInt(env.RUNLET_BUILD_CONCURRENCY, 2),
    registry: env.RUNLET_NPM_REGISTRY || undefined,
    gcIntervalMs: positiveInt(env.RUNLET_BUILD_GC_INTERVAL_MS, 60 * 60_000),
    gcKeepMs: 7 * 24 * 60 * 60_000,
    lockMs: positiveInt(env.RUNLET_BUILD_LOCK_MS, 20_000),
    resolveCacheMs: nonNegativeInt(env.RUNLET_RESOLVE_CACHE_MS, DEFAULT_RESOLVE_CACHE_MS),
    allowBuildScripts: parseAllowedBuildScripts(env[ALLOW_BUILD_SCRIPTS_ENV]),
    images: imageSettings(env),
  };
}

function imageSettings(env: NodeJS.ProcessEnv): ImageSettings | undefined {
  const containers = env.RUNLET_RUNTIME === 'docker' || env.RUNLET_RUNTIME === 'kubernetes';
  if (!(env.RUNLET_IMAGE_BUILDS === 'true' || (containers && env.RUNLET_IMAGE_BUILDS !== 'false')))
    return undefined;
  return {
    baseImage: env.RUNLET_BASE_IMAGE || 'runlet/node-base:20',
    registry: env.RUNLET_REGISTRY
      ? {
          registry: env.RUNLET_REGISTRY,
          username: env.RUNLET_REGISTRY_USERNAME || undefined,
          password: env.RUNLET_REGISTRY_PASSWORD || undefined,
        }
      : undefined,
  };
}

/** The options every ScriptBuilder of this installation shares (the builder role's and /try's). */
export function scriptBuilderOptions(
  settings: BuilderSettings,
): Pick<ScriptBuilderOptions, 'registry' | 'resolveCacheMs' | 'allowBuildScripts'> {
  return {
    registry: settings.registry,
    resolveCacheMs: settings.resolveCacheMs,
    allowBuildScripts: settings.allowBuildScripts,
  };
}

function nonNegativeInt(raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw.trim() === '') return fallback;
  const n = Number(raw);
  return Number.isInteger(n) && n >= 0 ? n : fallback;
}

function positiveInt(raw: string | undefined, fallback: number): number {
  const n = Number(raw);
  return Number.isInteger(n) && n > 0 ? n : fallback;
}
