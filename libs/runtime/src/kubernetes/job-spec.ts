import type { V1Job, V1NetworkPolicy, V1Secret } from '@kubernetes/client-node';
import { nodeArgs } from '../bwrap-args';
import { CONTAINER_BASELINE_MB, IMAGE_PATHS } from '../docker/container-spec';
import type { SandboxLimits } from '../types';

export const CONTAINER_NAME = 'run';
const REQUEST_DIR = '/runlet/request';
/** Room for the pod to be scheduled and pulled before the cluster's own deadline ends it. */
const START_HEADROOM_S = 120;

export interface JobPlan {
  name: string;
  executionId: string;
  scriptId: string;
  version: number;
  image: string;
  entry: string;
  limits: SandboxLimits;
  timeoutMs: number;
}

export function labelsOf(plan: JobPlan): Record<string, string> {
  return {
    'app.kubernetes.io/managed-by': 'runlet',
    'runlet.dev/execution': plan.executionId,
    'runlet.dev/script': plan.scriptId,
    'runlet.dev/version': String(plan.version),
  };
}

/** The run request (secrets included) as a Secret, mounted into the pod: never in the Job's spec. */
export function requestSecret(plan: JobPlan, request: unknown): V1Secret {
  return {
    metadata: { name: plan.name, labels: labelsOf(plan) },
    type: 'Opaque',
    stringData: { 'run.json': JSON.stringify(request) },
  };
}

/**
 * One Job per execution: no retries, a deadline, removed after it finishes, a non-root pod with a
 * read-only root, no privilege escalation, no capabilities, the runtime's seccomp profile, no
 * service-account token and no service links (no cluster addresses in its environment).
 */
export function executionJob(plan: JobPlan): V1Job {
  const labels = labelsOf(plan);
  const memory = `${plan.limits.memoryMb + CONTAINER_BASELINE_MB}Mi`;
  return {
    metadata: { name: plan.name, labels },
    spec: {
      backoffLimit: 0,
      activeDeadlineSeconds: Math.ceil(plan.timeoutMs / 1000) + START_HEADROOM_S,
      ttlSecondsAfterFinished: 300,
      template: {
        metadata: { labels },
        spec: {
          restartPolicy: 'Never',
          automountServiceAccountToken: false,
          enableServiceLinks: false,
          securityContext: {
            runAsNonRoot: true,
            runAsUser: 10001,
            runAsGroup: 10001,
            fsGroup: 10001, // the mounted request is readable by the script's user only
            seccompProfile: { type: 'RuntimeDefault' },
          },
          containers: [
            {
              name: CONTAINER_NAME,
              image: plan.image,
              command: [
                '/usr/bin/node',
                IMAGE_PATHS.entry,
                `file:${REQUEST_DIR}/run.json`,
                `${IMAGE_PATHS.appDir}/${plan.entry}`,
                ...nodeArgs(plan.limits.memoryMb),
              ],
              env: [
                { name: 'NODE_ENV', value: 'production' },
                { name: 'HOME', value: '/tmp' },
                { name: 'TZ', value: 'UTC' },
              ],
              workingDir: '/tmp',
              resources: {
                limits: { memory, cpu: '1' },
                requests: { memory, cpu: '100m' },
              },
              securityContext: {
                allowPrivilegeEscalation: false,
                readOnlyRootFilesystem: true,
                runAsNonRoot: true,
                capabilities: { drop: ['ALL'] },
                seccompProfile: { type: 'RuntimeDefault' },
              },
              volumeMounts: [
                { name: 'tmp', mountPath: '/tmp' },
                { name: 'request', mountPath: REQUEST_DIR, readOnly: true },
              ],
            },
          ],
          volumes: [
            { name: 'tmp', emptyDir: { medium: 'Memory', sizeLimit: '64Mi' } },
            { name: 'request', secret: { secretName: plan.name, defaultMode: 0o440 } },
          ],
        },
      },
    },
  };
}

/** For network `none`: the execution's pod may send nothing at all. */
export function denyEgressPolicy(plan: JobPlan): V1NetworkPolicy {
  return {
    metadata: { name: plan.name, labels: labelsOf(plan) },
    spec: {
      podSelector: { matchLabels: { 'runlet.dev/execution': plan.executionId } },
      policyTypes: ['Egress'],
      egress: [],
    },
  };
}
