import type Docker from 'dockerode';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { BLOCKED_IPV4_RANGES } from '../egress-network';

const run = promisify(execFile);

export const DEFAULT_EGRESS_NETWORK = 'runlet-egress';
/** The Linux bridge behind the network: named, so the firewall rules can match it. */
export const EGRESS_BRIDGE = 'runlet-egress0';

/**
 * iptables rules keeping the egress bridge off the host and private ranges: DOCKER-USER (Docker's
 * hook in FORWARD, evaluated before its own rules) drops forwarded traffic from the bridge to
 * every blocked range; INPUT drops whatever the bridge sends to the host itself, on any of its
 * addresses. Replies to outbound connections come in on other interfaces, so they pass.
 */
export function egressFirewallRules(bridge = EGRESS_BRIDGE): string[][] {
  return [
    ...BLOCKED_IPV4_RANGES.map((range) => ['DOCKER-USER', '-i', bridge, '-d', range, '-j', 'DROP']),
    ['INPUT', '-i', bridge, '-j', 'DROP'],
  ];
}

/**
 * Creates the egress network (a bridge with no container-to-container traffic) when missing, and
 * puts the firewall rules in place (each once: checked with -C before it is inserted).
 */
export async function ensureEgressNetwork(docker: Docker, name: string): Promise<void> {
  const existing = await docker.listNetworks({ filters: { name: [name] } });
  if (!existing.some((n) => n.Name === name)) {
    try {
      await docker.createNetwork({
        Name: name,
        Driver: 'bridge',
        CheckDuplicate: true,
        Labels: { 'runlet.network': 'egress' },
        Options: {
          'com.docker.network.bridge.name': EGRESS_BRIDGE,
          'com.docker.network.bridge.enable_icc': 'false',
        },
      });
    } catch (err) {
      // Another executor created it meanwhile.
      if ((err as { statusCode?: number }).statusCode !== 409) throw err;
    }
  }
  for (const [chain, ...rule] of egressFirewallRules()) {
    const present = await run('iptables', ['-C', chain, ...rule]).then(
      () => true,
      () => false,
    );
    if (!present) await run('iptables', ['-I', chain, '1', ...rule]);
  }
}
