/** A Kubernetes object as kustomize prints it. */
export type Manifest = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string };
  [k: string]: any;
};

const WORKLOADS: Record<string, (m: Manifest) => any> = {
  Deployment: (m) => m.spec?.template?.spec,
  StatefulSet: (m) => m.spec?.template?.spec,
  DaemonSet: (m) => m.spec?.template?.spec,
  Job: (m) => m.spec?.template?.spec,
  CronJob: (m) => m.spec?.jobTemplate?.spec?.template?.spec,
};

/**
 * Our own rules over built manifests: every container has CPU and memory requests and limits,
 * readiness and liveness probes (long-running workloads), runs as non-root without privilege
 * escalation; no Secret carries data (secrets are referenced, never committed); every
 * Deployment has a PodDisruptionBudget.
 */
export function kubernetesRuleProblems(manifests: Manifest[]): string[] {
  const problems: string[] = [];
  for (const m of manifests) {
    const id = `${m.kind} ${m.metadata?.namespace ?? ''}/${m.metadata?.name}`;
    if (m.kind === 'Secret' && (m.data || m.stringData)) problems.push(`${id} commits secret data`);
    const pod = WORKLOADS[m.kind]?.(m);
    if (!pod) continue;
    const longRunning = !['Job', 'CronJob'].includes(m.kind);
    for (const c of [...(pod.initContainers ?? []), ...(pod.containers ?? [])]) {
      const where = `${id} container ${c.name}`;
      for (const kind of ['requests', 'limits'])
        for (const resource of ['cpu', 'memory'])
          if (!c.resources?.[kind]?.[resource]) problems.push(`${where} has no ${resource} ${kind}`);
      const isInit = (pod.initContainers ?? []).includes(c);
      if (longRunning && !isInit) {
        if (!c.readinessProbe) problems.push(`${where} has no readinessProbe`);
        if (!c.livenessProbe) problems.push(`${where} has no livenessProbe`);
      }
      const nonRoot = c.securityContext?.runAsNonRoot ?? pod.securityContext?.runAsNonRoot;
      const user = c.securityContext?.runAsUser ?? pod.securityContext?.runAsUser;
      if (nonRoot !== true || user === 0) problems.push(`${where} may run as root`);
      if (c.securityContext?.allowPrivilegeEscalation !== false)
        problems.push(`${where} allows privilege escalation`);
      if (c.securityContext?.privileged) problems.push(`${where} is privileged`);
    }
  }
  const budgets = manifests.filter((m) => m.kind === 'PodDisruptionBudget');
  for (const d of manifests.filter((m) => m.kind === 'Deployment')) {
    const labels = d.spec?.template?.metadata?.labels ?? {};
    const covered = budgets.some(
      (b) =>
        b.metadata.namespace === d.metadata.namespace &&
        Object.entries(b.spec?.selector?.matchLabels ?? {}).every(([k, v]) => labels[k] === v) &&
        Object.keys(b.spec?.selector?.matchLabels ?? {}).length > 0,
    );
    if (!covered)
      problems.push(`Deployment ${d.metadata.namespace}/${d.metadata.name} has no PodDisruptionBudget`);
  }
  return problems;
}
