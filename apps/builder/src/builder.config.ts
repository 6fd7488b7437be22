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
}

export function loadBuilderSettings(env: NodeJS.ProcessEnv = process.env): BuilderSettings {
  return {
    concurrency: positiveInt(env.RUNLET_BUILD_CONCURRENCY, 2),
    registry: env.RUNLET_NPM_REGISTRY || undefined,
    gcIntervalMs: positiveInt(env.RUNLET_BUILD_GC_INTERVAL_MS, 60 * 60_000),
    gcKeepMs: 7 * 24 * 60 * 60_000,
    lockMs: positiveInt(env.RUNLET_BUILD_LOCK_MS, 20_000),
  };
}

function positiveInt(raw: string | undefined, fallback: number): number {
  const n = Number(raw);
  return Number.isInteger(n) && n > 0 ? n : fallback;
}
