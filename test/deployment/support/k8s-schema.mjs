// Validates Kubernetes manifests (a JSON array on stdin) against the Kubernetes OpenAPI schemas
// that the kubernetes-models package ships, and prints the problems as a JSON array. A separate
// ES module because kubernetes-models is ESM only (jest runs CommonJS).
import { readFileSync } from 'node:fs';
import process from 'node:process';

const manifests = JSON.parse(readFileSync(0, 'utf8'));
const problems = [];
for (const m of manifests) {
  const id = `${m.kind} ${m.metadata?.namespace ?? ''}/${m.metadata?.name}`;
  let Model;
  try {
    Model = (await import(`kubernetes-models/${m.apiVersion}/${m.kind}`))[m.kind];
  } catch {
    problems.push(`${id}: no schema for ${m.apiVersion} ${m.kind}`);
    continue;
  }
  try {
    new Model(m).validate();
  } catch (err) {
    const details = (err.errors ?? []).map((e) => `${e.instancePath || e.dataPath || '/'} ${e.message}${e.params?.additionalProperty ? ` (${e.params.additionalProperty})` : ''}`);
    problems.push(`${id}: ${details.length ? details.join('; ') : err.message}`);
  }
}
process.stdout.write(JSON.stringify(problems));
