import { networkInterfaces } from 'node:os';
import { firstChunk, runToEnd, SupervisedProcess } from './supervised-process';

/** Destinations a sandbox with `egress` must never reach (besides the host's loopback). */
export const BLOCKED_IPV4_RANGES = [
  '0.0.0.0/8',
  '10.0.0.0/8',
  '100.64.0.0/10', // carrier-grade NAT
  '127.0.0.0/8',
  '169.254.0.0/16', // link-local, cloud metadata services
  '172.16.0.0/12',
  '192.168.0.0/16',
  '198.18.0.0/15',
  '224.0.0.0/4',
  '240.0.0.0/4',
];

/** slirp4netns' fixed addresses inside the namespace (its defaults). */
const SLIRP_GATEWAY = '10.0.2.2';
export const SLIRP_DNS = '10.0.2.3';

/**
 * `ip -batch` commands for the sandbox's namespace: "prohibit" routes for private/link-local ranges
 * and the host's own addresses. slirp4netns' own subnet stays reachable through its more specific
 * connected route, for the DNS forwarder only — the gateway (= the host) is prohibited too.
 */
export function egressRouteCommands(hostAddresses: string[]): string[] {
  const targets = [...BLOCKED_IPV4_RANGES, `${SLIRP_GATEWAY}/32`, ...hostAddresses.map((a) => `${a}/32`)];
  return [...new Set(targets)].map((target) => `route add prohibit ${target}`);
}

function hostIpv4Addresses(): string[] {
  return Object.values(networkInterfaces())
    .flat()
    .filter((info) => info && info.family === 'IPv4' && !info.internal)
    .map((info) => info!.address);
}

export interface EgressHandle {
  close(): void;
}

/** The programs the egress network is set up with (paths, or names looked up on PATH). */
export interface EgressCommands {
  slirp4netns: string;
  nsenter: string;
}

/**
 * Gives the (already unshared) network namespace of `pid` outbound access through slirp4netns, a
 * user-mode TCP/IP stack that opens ordinary sockets on the host on the sandbox's behalf:
 * `--disable-host-loopback` stops it from forwarding to the host's 127.0.0.1 (PostgreSQL, Redis…),
 * and prohibit routes inside the namespace (which the sandbox, having no capabilities, cannot
 * change) stop private ranges and the host's own addresses.
 */
export async function attachEgress(pid: number, commands: EgressCommands): Promise<EgressHandle> {
  const netns = `/proc/${pid}/ns/net`;
  const slirp = new SupervisedProcess(
    'slirp4netns',
    commands.slirp4netns,
    // By path: the default (by pid) also tries to join the sandbox's user namespace, which fails.
    // --exit-fd: it also exits once we are gone (the pipe's end closes with our process).
    [
      '--configure',
      '--mtu=65520',
      '--disable-host-loopback',
      '--ready-fd=3',
      '--exit-fd=4',
      '--netns-type=path',
      netns,
      'tap0',
    ],
    { stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'] },
  );
  try {
    await Promise.race([firstChunk(slirp.stream(3)), slirp.failed]);
    await runToEnd(
      'nsenter',
      commands.nsenter,
      [`--net=${netns}`, 'ip', '-batch', '-'],
      egressRouteCommands(hostIpv4Addresses()).join('\n') + '\n',
    );
  } catch (err) {
    slirp.kill();
    throw err;
  }
  return { close: () => slirp.kill() };
}
