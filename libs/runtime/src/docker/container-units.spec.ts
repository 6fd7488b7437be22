import { containerOptions } from './container-spec';
import { egressFirewallRules } from './egress-network';
import { executionJob, denyEgressPolicy, type JobPlan } from '../kubernetes/job-spec';
import { podProblem } from '../kubernetes/pod-problems';

describe('container specs (pure)', () => {
  const plan = {
    image: 'registry/x:v1',
    entry: 'main.mjs',
    limits: { memoryMb: 128, network: 'none' as const },
    maxPids: 256,
    egressNetwork: 'runlet-egress',
    labels: { 'runlet.execution': 'e1' },
  };

  it('a docker container is hardened and has no network for `none`, the egress bridge otherwise', () => {
    const o = containerOptions(plan);
    expect(o.User).toBe('10001:10001');
    expect(o.HostConfig).toMatchObject({
      AutoRemove: true,
      Init: true,
      ReadonlyRootfs: true,
      CapDrop: ['ALL'],
      SecurityOpt: ['no-new-privileges'],
      PidsLimit: 256,
      NetworkMode: 'none',
    });
    expect(o.HostConfig!.Tmpfs).toHaveProperty('/tmp');
    expect(o.HostConfig!.Binds).toEqual([]);
    expect(o.Env!.some((e) => e.startsWith('RUNLET_') || e.includes('DATABASE'))).toBe(false);
    const egress = containerOptions({ ...plan, limits: { memoryMb: 128, network: 'egress' } });
    expect(egress.HostConfig!.NetworkMode).toBe('runlet-egress');
  });

  it('the egress firewall drops every private range from the bridge, and all of it to the host', () => {
    const rules = egressFirewallRules('br0').map((r) => r.join(' '));
    expect(rules).toContain('DOCKER-USER -i br0 -d 10.0.0.0/8 -j DROP');
    expect(rules).toContain('DOCKER-USER -i br0 -d 169.254.0.0/16 -j DROP');
    expect(rules).toContain('INPUT -i br0 -j DROP');
  });

  it('a Job for an execution: deadline past the timeout, no retries; deny-all egress selects its pod', () => {
    const job: JobPlan = {
      name: 'runlet-e1',
      executionId: 'e1',
      scriptId: 's',
      version: 3,
      image: 'i',
      entry: 'main.mjs',
      limits: { memoryMb: 64, network: 'none' },
      timeoutMs: 1500,
    };
    const spec = executionJob(job).spec!;
    expect(spec.backoffLimit).toBe(0);
    expect(spec.activeDeadlineSeconds).toBeGreaterThanOrEqual(2);
    expect(spec.template.spec!.containers[0].resources!.limits).toEqual({ memory: '176Mi', cpu: '1' });
    expect(denyEgressPolicy(job).spec!.egress).toEqual([]);
  });

  it('pod problems: Unschedulable and image pulls are reasons; a pending pod is none', () => {
    expect(podProblem({ status: { phase: 'Pending' } })).toBeUndefined();
    expect(
      podProblem({
        status: {
          conditions: [
            { type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: 'no nodes' },
          ],
        },
      }),
    ).toEqual({ message: 'The pod could not be scheduled (Unschedulable): no nodes', unschedulable: true });
    expect(
      podProblem({
        status: {
          containerStatuses: [
            {
              name: 'run',
              image: 'i',
              imageID: '',
              ready: false,
              restartCount: 0,
              state: { waiting: { reason: 'ErrImagePull' } },
            },
          ],
        },
      })?.message,
    ).toMatch(/ErrImagePull/);
  });
});
