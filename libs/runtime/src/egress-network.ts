import { networkInterfaces } from 'node:os';
import { firstChunk, runToEnd, SupervisedProcess } from './supervised-process';
import type { SandboxCommands } from './types';

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

/**
 * How a sandbox with `egress` is started: bwrap (told to keep the network namespace it is started
 * in: `--share-net`) inside a user and network namespace that unshare creates around it (unshare
 * execs bwrap: same pid). Not bwrap's own network namespace: that one belongs to the user
 * namespace bwrap creates first and leaves for a nested one (its --uid with a /dev), so no process
 * stays in it and, unprivileged (a non-root executor in a container), nothing can join it to
 * attach slirp4netns. This one belongs to the user namespace bwrap itself stays in, which its
 * owner (our user) may join. `--map-root-user`: our user is root there, so that `ip`, run in it
 * by nsenter, keeps the capabilities to set the routes; bwrap still runs the script as nobody
 * with no capability, in namespaces nested below.
 */
export function egressLauncher(
  commands: SandboxCommands,
  bwrapArgs: string[],
): { command: string; args: string[] } {
  return {
    command: commands.unshare,
    args: ['--user', '--map-root-user', '--net', '--', commands.bwrap, ...bwrapArgs],
  };
}

export const TUN_MISSING =
  "(network 'egress' needs the device /dev/net/tun: in a container, add it, e.g. docker run --device /dev/net/tun)";

/** `ip` lives in /usr/sbin or /sbin, which a non-root user's PATH often lacks. */
const ipPath = (): string => [process.env.PATH, '/usr/sbin', '/sbin'].filter(Boolean).join(':');

/**
 * Gives the network namespace of `pid` (the process egressLauncher started, bwrap once it has
 * reported its sandbox) outbound access through slirp4netns, a user-mode TCP/IP stack that opens
 * ordinary sockets on the host on the sandbox's behalf: `--disable-host-loopback` stops it from
 * forwarding to the host's 127.0.0.1 (PostgreSQL, Redis…), and prohibit routes inside the
 * namespace (which the sandbox, having no capabilities there, cannot change) stop private ranges
 * and the host's own addresses. Both enter the namespace through its user namespace, as its owner.
 */
export async function attachEgress(pid: number, commands: SandboxCommands): Promise<EgressHandle> {
  const userns = `/proc/${pid}/ns/user`;
  const netns = `/proc/${pid}/ns/net`;
  const slirp = new SupervisedProcess(
    'slirp4netns',
    commands.slirp4netns,
    // --exit-fd: it also exits once we are gone (the pipe's end closes with our process).
    [
      '--configure',
      '--mtu=65520',
      '--disable-host-loopback',
      '--ready-fd=3',
      '--exit-fd=4',
      `--userns-path=${userns}`,
      '--netns-type=path',
      netns,
      'tap0',
    ],
    { stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'] },
  );
  try {
    await Promise.race([firstChunk(slirp.stream(3)), slirp.failed]);
    // --preserve-credentials: our uid is already root there (setgroups, which nsenter would call
    // to become root, is denied in a user namespace an unprivileged user made).
    await runToEnd(
      'nsenter',
      commands.nsenter,
      [`--user=${userns}`, `--net=${netns}`, '--preserve-credentials', 'ip', '-batch', '-'],
      egressRouteCommands(hostIpv4Addresses()).join('\n') + '\n',
      { ...process.env, PATH: ipPath() },
    );
  } catch (err) {
    slirp.kill();
    const { message } = err as Error;
    // A container started without the device: say what to add, not only what slirp4netns saw.
    throw message.includes('/dev/net/tun') ? new Error(`${message} ${TUN_MISSING}`) : err;
  }
  return { close: () => slirp.kill() };
}
