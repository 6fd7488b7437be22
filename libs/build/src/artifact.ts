import { chmod, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BuildError } from './build-error';
import { makeTempDir, replaceDir } from './fs-atomic';
import { ENTRY_FILE, SOURCE_MAP_FILE, type BundledScript } from './bundle';

/** `artifact.json`: everything an executor needs to run one script version. */
export interface ArtifactManifest {
  entry: string;
  /**
   * Absolute path of the store's node_modules for this lockfile, to be mounted next to the entry;
   * null when the bundle needs none (no dependencies, or all of them bundled).
   */
  nodeModulesDir: string | null;
  /** The entry is a bundle of the script and its dependencies (older artifacts import from node_modules). */
  bundled: boolean;
  /** Packages left out of the bundle (native addons), loaded from `nodeModulesDir`. */
  externalPackages: string[];
  scriptId: string;
  version: number;
  lockfileHash: string;
  resolvedDependencies: Record<string, string>;
}

const SAFE_SEGMENT = /^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$/;

export function artifactDirFor(dataDir: string, scriptId: string, version: number): string {
  // The id becomes a path segment: refuse anything that could escape the artifacts dir.
  if (!SAFE_SEGMENT.test(scriptId) || scriptId.includes('..'))
    throw new BuildError(`invalid script id "${scriptId}"`);
  if (!Number.isInteger(version) || version < 0) throw new BuildError(`invalid script version ${version}`);
  return join(dataDir, 'artifacts', scriptId, String(version));
}

/** Written in a temp dir and renamed into place, so a killed builder never leaves a half artifact. */
export async function writeArtifact(
  dataDir: string,
  script: Pick<BundledScript, 'code' | 'map'>,
  manifest: Omit<ArtifactManifest, 'entry'>,
): Promise<string> {
  const target = artifactDirFor(dataDir, manifest.scriptId, manifest.version);
  const temp = await makeTempDir(join(dataDir, 'artifacts', manifest.scriptId), String(manifest.version));
  const full: ArtifactManifest = { entry: ENTRY_FILE, ...manifest };
  try {
    // Readable by a container's non-root user when mounted as is (a try-out on the docker runtime).
    await chmod(temp, 0o755);
    await Promise.all([
      writeFile(join(temp, ENTRY_FILE), script.code),
      writeFile(join(temp, SOURCE_MAP_FILE), script.map),
      writeFile(join(temp, 'artifact.json'), JSON.stringify(full, null, 2) + '\n'),
    ]);
    await replaceDir(temp, target);
  } catch (err) {
    await rm(temp, { recursive: true, force: true });
    throw err;
  }
  return target;
}
