import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { composeProblems } from './support/compose-check';
import { ROOT } from './support/docker';
import { kubernetesRuleProblems } from './support/k8s-rules';
import { kubernetesSchemaProblems, kustomizeBuild } from './support/kustomize';
import { terraformProblems } from './support/terraform-check';
import { workflowProblems } from './support/workflow-check';
import { parse } from 'yaml';

// The deployment files checked without network: each check passes on the repository's files and
// fails on a deliberately broken copy of them.
let scratch: string;
beforeAll(() => (scratch = mkdtempSync(join(tmpdir(), 'runlet-deployment-'))));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A copy of `path` (a file or folder of the repository) under scratch, with `edit` applied to `file` in it. */
function brokenCopy(path: string, file: string, edit: (text: string) => string): string {
  const target = join(scratch, `${path.replace(/\W/g, '_')}-${Math.random().toString(36).slice(2)}`);
  cpSync(join(ROOT, path), target, { recursive: true });
  const edited = join(target, file);
  const before = readFileSync(edited, 'utf8');
  const after = edit(before);
  if (after === before) throw new Error(`the edit of ${file} changed nothing`);
  writeFileSync(edited, after);
  return target;
}

/** A copy of one file of the repository under scratch, with `edit` applied. */
function brokenFile(path: string, edit: (text: string) => string): string {
  const target = join(scratch, `${path.replace(/\W/g, '_')}-${Math.random().toString(36).slice(2)}`);
  const before = readFileSync(join(ROOT, path), 'utf8');
  const after = edit(before);
  if (after === before) throw new Error(`the edit of ${path} changed nothing`);
  writeFileSync(target, after);
  return target;
}

describe('docker-compose.yml', () => {
  const composeFile = readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8');
  const dockerComposeConfig = (dir: string) =>
    execFileSync(
      'docker-compose',
      ['-f', join(dir, 'docker-compose.yml'), '--project-directory', ROOT, 'config', '-q'],
      {
        env: { ...process.env, RUNLET_ADMIN_KEY: 'check' },
        stdio: ['ignore', 'pipe', 'pipe'],
        encoding: 'utf8',
      },
    );

  it('validates against the Compose Specification schema and our rules (health checks, start order)', () => {
    expect(composeProblems(composeFile)).toEqual([]);
  });

  it('has CockroachDB, Redis with AOF and noeviction, a registry, each role and the console', () => {
    const doc = parse(composeFile, { merge: true });
    expect(Object.keys(doc.services).sort()).toEqual(
      ['api', 'builder', 'cockroachdb', 'console', 'executor', 'redis', 'registry', 'scheduler'].sort(),
    );
    expect(doc.services.api.environment.DATABASE_TYPE).toBe('cockroachdb');
    expect(doc.services.redis.command.join(' ')).toMatch(/--appendonly yes.*--maxmemory-policy noeviction/);
    for (const role of ['api', 'scheduler', 'builder', 'executor'])
      expect(doc.services[role].command).toEqual(['--roles', role]);
  });

  it('passes `docker-compose config -q`', () => {
    expect(() => dockerComposeConfig(ROOT)).not.toThrow();
  });

  it('fails both checks when a service has a bad key', () => {
    const broken = brokenFile('docker-compose.yml', (t) =>
      t.replace('  scheduler:\n', '  scheduler:\n    imagee: typo\n'),
    );
    const text = readFileSync(broken, 'utf8');
    expect(composeProblems(text)).toContainEqual(expect.stringContaining('(imagee)'));
    const dir = join(scratch, 'compose-bad-key');
    cpSync(broken, join(dir, 'docker-compose.yml'));
    expect(() => dockerComposeConfig(dir)).toThrow(/imagee/);
  });

  it('fails our rules when a service starts before its dependency is healthy', () => {
    const text = composeFile.replace(
      'api:\n        condition: service_healthy\n\n  builder:',
      'api:\n        condition: service_started\n\n  builder:',
    );
    expect(text).not.toBe(composeFile);
    expect(composeProblems(text)).toEqual([
      'service scheduler starts before api is healthy (condition: service_started)',
    ]);
  });
});

describe('infra/k8s (kubectl kustomize, kubernetes-models schemas)', () => {
  it.each(['dev', 'production'])(
    'every manifest of the %s overlay validates against the schemas and our rules',
    (overlay) => {
      const manifests = kustomizeBuild(join(ROOT, 'infra/k8s/overlays', overlay));
      expect(kubernetesSchemaProblems(manifests)).toEqual([]);
      expect(kubernetesRuleProblems(manifests)).toEqual([]);
      const kinds = (kind: string) =>
        manifests
          .filter((m) => m.kind === kind)
          .map((m) => m.metadata.name)
          .sort();
      expect(kinds('Deployment')).toEqual([
        'runlet-api',
        'runlet-builder',
        'runlet-console',
        'runlet-executor',
        'runlet-scheduler',
      ]);
      expect(kinds('HorizontalPodAutoscaler')).toEqual(['runlet-api', 'runlet-executor']);
      expect(kinds('StatefulSet')).toEqual(overlay === 'dev' ? ['cockroachdb', 'redis'] : []);
      expect(kinds('Secret')).toEqual([]);
    },
  );

  it("the executor's RBAC reaches Jobs and pod logs in the execution namespace only", () => {
    const manifests = kustomizeBuild(join(ROOT, 'infra/k8s/overlays/production'));
    expect(manifests.filter((m) => m.kind === 'ClusterRole' || m.kind === 'ClusterRoleBinding')).toEqual([]);
    const role = manifests.find((m) => m.kind === 'Role' && m.metadata.name === 'runlet-executor')!;
    expect(role.metadata.namespace).toBe('runlet-executions');
    const resources = role.rules.flatMap((r: any) => r.resources).sort();
    expect(resources).toEqual(['jobs', 'networkpolicies', 'pods', 'pods/log']);
    const binding = manifests.find((m) => m.kind === 'RoleBinding')!;
    expect(binding.subjects).toEqual([
      { kind: 'ServiceAccount', name: 'runlet-executor', namespace: 'runlet' },
    ]);
  });

  it('fails our rules on a copy whose api container has no limits', () => {
    const dir = brokenCopy('infra/k8s', 'base/api.yaml', (t) => t.replace(/\n\s+limits: \{[^}]*\}/, ''));
    const problems = kubernetesRuleProblems(kustomizeBuild(join(dir, 'overlays/dev')));
    expect(problems).toEqual([
      'Deployment runlet/runlet-api container runlet has no cpu limits',
      'Deployment runlet/runlet-api container runlet has no memory limits',
    ]);
  });

  it('fails our rules on a copy with a container without probes or running as root', () => {
    const dir = brokenCopy('infra/k8s', 'overlays/dev/redis.yaml', (t) =>
      t
        .replace(/\n\s+readinessProbe:\n\s+exec: \{[^}]*\}\n\s+periodSeconds: 5/, '')
        .replace(/runAsNonRoot: true/g, 'runAsNonRoot: false'),
    );
    expect(kubernetesRuleProblems(kustomizeBuild(join(dir, 'overlays/dev')))).toEqual([
      'StatefulSet runlet/redis container redis has no readinessProbe',
      'StatefulSet runlet/redis container redis may run as root',
    ]);
  });

  it('fails the schema check on a copy with a wrongly typed field', () => {
    const dir = brokenCopy('infra/k8s', 'base/api.yaml', (t) => t.replace('replicas: 2', 'replicas: two'));
    expect(kubernetesSchemaProblems(kustomizeBuild(join(dir, 'overlays/production')))).toEqual([
      'Deployment runlet/runlet-api: /spec/replicas must be integer',
    ]);
  });
});

describe('infra/terraform (@cdktf/hcl2json)', () => {
  it.each(['cloudwatch', 'k8s'])(
    '%s parses, references only declared variables and pins its providers',
    async (module) => {
      expect(await terraformProblems(join(ROOT, 'infra/terraform', module))).toEqual([]);
    },
  );

  it('fails on a copy that references an undeclared variable', async () => {
    const dir = brokenCopy('infra/terraform/cloudwatch', 'main.tf', (t) =>
      t.replace('retention_in_days = var.retention_in_days', 'retention_in_days = var.retention_days'),
    );
    expect(await terraformProblems(dir)).toEqual(['main.tf: var.retention_days is not declared']);
  });

  it('fails on a copy with a provider version range instead of a pin', async () => {
    const dir = brokenCopy('infra/terraform/k8s', 'versions.tf', (t) => t.replace('"= 2.46.1"', '">= 2.0"'));
    expect(await terraformProblems(dir)).toEqual([
      'versions.tf: provider digitalocean is not pinned to an exact version (>= 2.0)',
    ]);
  });
});

describe('.github/workflows', () => {
  const dir = join(ROOT, '.github/workflows');
  const files = readdirSync(dir).filter((f) => /\.ya?ml$/.test(f));

  it('has the test, release and deploy workflows', () => {
    expect(files.sort()).toEqual(['deploy.yml', 'release.yml', 'test.yml']);
  });

  it.each(files)('%s parses and names only pinned actions', (file) => {
    expect(workflowProblems(readFileSync(join(dir, file), 'utf8'))).toEqual([]);
  });

  it('fails on a copy with an action on a branch or a moving major tag', () => {
    const text = readFileSync(join(dir, 'test.yml'), 'utf8')
      .replace('actions/checkout@v4.2.2', 'actions/checkout@main')
      .replace('actions/setup-node@v4.1.0', 'actions/setup-node@v4');
    expect(workflowProblems(text)).toEqual([
      'job test step 1: actions/checkout@main is not pinned to a release tag (vX.Y.Z) or a commit SHA',
      'job test step 2: actions/setup-node@v4 is not pinned to a release tag (vX.Y.Z) or a commit SHA',
    ]);
  });

  it('fails on a copy that does not parse', () => {
    expect(workflowProblems('jobs:\n  a: [\n')[0]).toMatch(/^does not parse/);
  });
});
