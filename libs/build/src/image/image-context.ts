import { createReadStream } from 'node:fs';
import { lstat, readdir, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import { pack, type Pack } from 'tar-stream';

export interface ImageLabels {
  scriptId: string;
  version: number;
  lockfileHash: string;
}

export interface ImageSources {
  baseImage: string;
  /** The install store's node_modules for the lockfile; null without dependencies. */
  nodeModulesDir: string | null;
  /** libs/runtime/harness: harness.mjs and container-entry.mjs. */
  harnessDir: string;
  artifactDir: string;
  labels: ImageLabels;
}

export const LABELS = {
  scriptId: 'runlet.script-id',
  version: 'runlet.version',
  lockfileHash: 'runlet.lockfile-hash',
} as const;

/**
 * Layers from the least to the most often changed: dependencies (one layer per lockfile, so a
 * code-only version reuses it, and the registry already has it), the harness, then the code.
 * Labels make no layer.
 */
export function dockerfile(sources: ImageSources): string {
  const { labels } = sources;
  return [
    `FROM ${sources.baseImage}`,
    ...(sources.nodeModulesDir ? ['COPY deps/ /app/node_modules/'] : []),
    'COPY runlet/ /runlet/',
    'COPY app/ /app/src/',
    `LABEL ${LABELS.scriptId}=${JSON.stringify(labels.scriptId)} ${LABELS.version}="${labels.version}" ${LABELS.lockfileHash}=${JSON.stringify(labels.lockfileHash)}`,
    '',
  ].join('\n');
}

/**
 * The build context as a tar stream. Entries have a fixed owner (root), mode and mtime, so the
 * same files always make the same layer, whichever builder built it.
 */
export function buildContext(sources: ImageSources): Pack {
  const tar = pack();
  void (async () => {
    try {
      await add(tar, 'Dockerfile', Buffer.from(dockerfile(sources)));
      if (sources.nodeModulesDir) await addTree(tar, sources.nodeModulesDir, 'deps');
      await addTree(tar, sources.harnessDir, 'runlet');
      await addTree(tar, sources.artifactDir, 'app');
      tar.finalize();
    } catch (err) {
      tar.destroy(err as Error);
    }
  })();
  return tar;
}

const FIXED = { uid: 0, gid: 0, mtime: new Date(0) };

function add(tar: Pack, name: string, content: Buffer, mode = 0o644): Promise<void> {
  return new Promise((resolve, reject) =>
    tar.entry({ name, mode, ...FIXED }, content, (err) => (err ? reject(err) : resolve())),
  );
}

async function addTree(tar: Pack, dir: string, prefix: string): Promise<void> {
  tar.entry({ name: `${prefix}/`, type: 'directory', mode: 0o755, ...FIXED });
  const names = (await readdir(dir)).sort();
  for (const name of names) {
    const path = join(dir, name);
    const entryName = `${prefix}/${name}`;
    const stat = await lstat(path);
    if (stat.isDirectory()) await addTree(tar, path, entryName);
    else if (stat.isSymbolicLink())
      tar.entry({ name: entryName, type: 'symlink', linkname: await readlink(path), mode: 0o777, ...FIXED });
    else if (stat.isFile()) {
      const mode = stat.mode & 0o111 ? 0o755 : 0o644;
      await new Promise<void>((resolve, reject) => {
        const entry = tar.entry({ name: entryName, size: stat.size, mode, ...FIXED }, (err) =>
          err ? reject(err) : resolve(),
        );
        createReadStream(path).on('error', reject).pipe(entry);
      });
    }
  }
}
