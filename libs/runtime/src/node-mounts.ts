import { execFileSync } from 'node:child_process';
import { realpathSync } from 'node:fs';

/** A host file bound read-only into the sandbox at `dest`. */
export interface Mount {
  src: string;
  dest: string;
}

/** Parses `ldd` output into the absolute paths the dynamic loader will look for. */
export function parseLdd(output: string): string[] {
  const paths: string[] = [];
  for (const line of output.split('\n')) {
    const match = /=>\s+(\/\S+)/.exec(line) ?? /^\s*(\/\S+)\s+\(/.exec(line);
    if (match) paths.push(match[1]);
  }
  return paths;
}

const cache = new Map<string, Mount[]>();

/** The node binary (at /usr/bin/node inside) and exactly the shared libraries it links. */
export function nodeMounts(nodePath: string): Mount[] {
  const hit = cache.get(nodePath);
  if (hit) return hit;
  const binary = realpathSync(nodePath);
  let libs: string[] = [];
  try {
    libs = parseLdd(execFileSync('ldd', [binary], { encoding: 'utf8' }));
  } catch {
    // A statically linked node makes ldd exit non-zero: nothing else to mount.
  }
  const mounts = [
    { src: binary, dest: '/usr/bin/node' },
    ...libs.map((lib) => ({ src: realpathSync(lib), dest: lib })),
  ];
  cache.set(nodePath, mounts);
  return mounts;
}
