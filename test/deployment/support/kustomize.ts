import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { Manifest } from './k8s-rules';

/** `kubectl kustomize DIR` (kustomize built into kubectl; works offline), as objects. */
export function kustomizeBuild(dir: string): Manifest[] {
  const out = execFileSync('kubectl', ['kustomize', dir], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return parseAllDocuments(out)
    .map((d) => d.toJS())
    .filter(Boolean);
}

/** Schema problems of `manifests`, from the kubernetes-models validators (in a node child process). */
export function kubernetesSchemaProblems(manifests: Manifest[]): string[] {
  const out = execFileSync(process.execPath, [join(__dirname, 'k8s-schema.mjs')], {
    input: JSON.stringify(manifests),
    encoding: 'utf8',
  });
  return JSON.parse(out);
}
