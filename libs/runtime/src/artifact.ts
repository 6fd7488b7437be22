import { readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';

/** The builder's `artifact.json`. */
export interface ArtifactManifest {
  entry: string;
  nodeModulesDir: string | null;
  scriptId: string;
  version: number;
}

export function readArtifactManifest(artifactDir: string): ArtifactManifest {
  const raw = JSON.parse(
    readFileSync(join(artifactDir, 'artifact.json'), 'utf8'),
  ) as Partial<ArtifactManifest>;
  if (typeof raw.entry !== 'string' || raw.entry.includes('..') || isAbsolute(raw.entry)) {
    throw new Error(`Invalid artifact in ${artifactDir}: bad entry`);
  }
  return {
    entry: raw.entry,
    nodeModulesDir: typeof raw.nodeModulesDir === 'string' ? raw.nodeModulesDir : null,
    scriptId: String(raw.scriptId ?? ''),
    version: Number(raw.version ?? 0),
  };
}
