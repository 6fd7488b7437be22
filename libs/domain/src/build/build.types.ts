import { DomainEvent } from '../common/aggregate';

export type BuildStatus = 'pending' | 'building' | 'succeeded' | 'failed';

/** How one direct dependency moved between two successful builds (null: added or removed). */
export interface DependencyChange {
  from: string | null;
  to: string | null;
}

export interface BuildLocation {
  line: number;
  column: number;
}

export interface BuildState {
  id: string;
  scriptId: string;
  version: number;
  upgrade: boolean;
  status: BuildStatus;
  attempt: number;
}

/** What a successful build produced; recorded in full so each version is reproducible. */
export interface BuildResult {
  resolvedDependencies: Record<string, string>;
  dependencySpec: Record<string, string>;
  lockfile: string;
  lockfileHash: string;
  cacheHit: boolean;
  durationMs: number;
  artifactDir: string;
  changes: Record<string, DependencyChange>;
  /** The version's container image (`registry/repo:tag`), when images are built (container runtimes). */
  image?: string;
  /** Its manifest digest in the registry (`sha256:…`), when it was pushed. */
  imageDigest?: string;
}

export type BuildCommand =
  | { type: 'RequestBuild'; buildId: string; scriptId: string; version: number; upgrade?: boolean }
  | { type: 'StartBuild'; attempt: number }
  | ({ type: 'SucceedBuild' } & BuildResult)
  | { type: 'FailBuild'; reason: string; logExcerpt: string; location?: BuildLocation };

// Every event carries scriptId: the script's history view filters the log on data->>'scriptId'.
export type BuildRequested = DomainEvent<
  'BuildRequested',
  { buildId: string; scriptId: string; version: number; upgrade?: boolean }
>;
export type BuildStarted = DomainEvent<
  'BuildStarted',
  { buildId: string; scriptId: string; version: number; attempt: number }
>;
export type BuildSucceeded = DomainEvent<
  'BuildSucceeded',
  { buildId: string; scriptId: string; version: number } & BuildResult
>;
export type BuildFailed = DomainEvent<
  'BuildFailed',
  {
    buildId: string;
    scriptId: string;
    version: number;
    reason: string;
    logExcerpt: string;
    location?: BuildLocation;
  }
>;
export type BuildEvent = BuildRequested | BuildStarted | BuildSucceeded | BuildFailed;
