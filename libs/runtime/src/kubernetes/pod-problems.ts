import type { V1Pod } from '@kubernetes/client-node';

/** Waiting reasons after which a container will not start by itself. */
const FATAL_WAITING = new Set([
  'ImagePullBackOff',
  'ErrImagePull',
  'InvalidImageName',
  'ErrImageNeverPull',
  'CreateContainerConfigError',
  'CreateContainerError',
]);

/** Why a pod will not (or cannot yet) run, from its status; undefined while it is on its way. */
export function podProblem(pod: V1Pod): { message: string; unschedulable: boolean } | undefined {
  const scheduled = pod.status?.conditions?.find((c) => c.type === 'PodScheduled');
  if (scheduled?.status === 'False' && scheduled.reason === 'Unschedulable')
    return {
      message: `The pod could not be scheduled (Unschedulable): ${scheduled.message ?? ''}`.trim(),
      unschedulable: true,
    };
  for (const status of pod.status?.containerStatuses ?? []) {
    const waiting = status.state?.waiting;
    if (waiting?.reason && FATAL_WAITING.has(waiting.reason))
      return {
        message: `The pod's container could not start (${waiting.reason}): ${waiting.message ?? ''}`.trim(),
        unschedulable: false,
      };
  }
  if (pod.status?.phase === 'Failed' && !pod.status.containerStatuses?.some((c) => c.state?.terminated))
    return {
      message: `The pod failed (${pod.status.reason ?? 'unknown'}): ${pod.status.message ?? ''}`.trim(),
      unschedulable: false,
    };
  return undefined;
}
